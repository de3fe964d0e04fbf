namespace RecommenderService.Api.Security;

/// <summary>Names of the end-user token scheme, its role and the policy that keeps a token to its own user.</summary>
public static class JwtDefaults
{
    /// <summary>The JWT bearer scheme.</summary>
    public const string Scheme = "Bearer";

    /// <summary>Picks the bearer scheme for <c>Authorization: Bearer</c> and the API-key scheme otherwise.</summary>
    public const string SelectorScheme = "ApiKeyOrBearer";

    /// <summary>The role every valid user token gets.</summary>
    public const string UserRole = "user";

    /// <summary>The claim holding the user's external id.</summary>
    public const string SubjectClaim = "sub";

    /// <summary>
    /// The role and name claim types of a token's identity: the service's own, stripped from what the token carries,
    /// so that no claim a token brings (<c>role</c>, .NET's default role and name types) grants a role or picks a
    /// rate-limit bucket.
    /// </summary>
    public const string RoleClaimType = "urn:recommender:role";

    /// <inheritdoc cref="RoleClaimType"/>
    public const string NameClaimType = "urn:recommender:name";

    /// <summary>
    /// Client and admin keys, or a user token acting on its own user (the route's <c>userId</c>): ratings,
    /// recommendations, predictions and catalogue reads.
    /// </summary>
    public const string EndUserPolicy = "end-user";
}
