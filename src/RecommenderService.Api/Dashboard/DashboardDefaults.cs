namespace RecommenderService.Api.Dashboard;

/// <summary>Names of the dashboard: its path, its authentication schemes and its policy.</summary>
public static class DashboardDefaults
{
    /// <summary>Every dashboard page lives under this path.</summary>
    public const string Path = "/dashboard";

    /// <summary>Where a browser without a session is sent.</summary>
    public const string SignInPath = Path + "/sign-in";

    /// <summary>The page a signed-in browser lands on.</summary>
    public const string HomePath = Path + "/model";

    /// <summary>The session cookie a sign-in with an admin key or token sets.</summary>
    public const string CookieScheme = "DashboardCookie";

    /// <summary>
    /// Picks the API's own schemes for a request that brings an <c>X-Api-Key</c> header or a bearer token, the session
    /// cookie otherwise: a client key or a user token is then refused as on the API (403), and a browser without a
    /// session is sent to the sign-in page.
    /// </summary>
    public const string Scheme = "Dashboard";

    /// <summary>Admins only: an admin key, an admin token, or a session one of them opened.</summary>
    public const string Policy = "dashboard";

    /// <summary>The session cookie's name.</summary>
    public const string CookieName = "recommender-dashboard";

    /// <summary>
    /// On a session opened with a key: the key's SHA-256 (base64), so a session ends when its key is taken out of the
    /// configuration. The cookie is encrypted with the data-protection key ring; the digest of a random key does not
    /// give the key away.
    /// </summary>
    public const string KeyDigestClaim = "urn:recommender:dashboard-key";

    /// <summary>On a session opened with a token: when the token expires (unix seconds); the session ends then too.</summary>
    public const string ExpiresClaim = "urn:recommender:dashboard-expires";
}
