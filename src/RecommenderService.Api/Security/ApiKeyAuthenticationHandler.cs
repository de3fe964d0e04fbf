using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace RecommenderService.Api.Security;

/// <summary>
/// Authenticates the <c>X-Api-Key</c> header against the configured client and admin keys and answers
/// 401/403 as problem+json, as API.md requires of every error.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyStore keys,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (keys.Disabled)
            return Task.FromResult(Success(ApiKeyDefaults.AdminRole, "auth-disabled"));

        var key = PresentedKey();
        if (string.IsNullOrEmpty(key))
            return Task.FromResult(AuthenticateResult.NoResult());

        var role = keys.RoleOf(key);
        return Task.FromResult(role is null
            ? AuthenticateResult.Fail("Unknown API key")
            : Success(role, ApiKeyStore.Fingerprint(key)));
    }

    /// <summary>
    /// The X-Api-Key header, or, on the Hangfire dashboard only, the password of HTTP Basic credentials: a
    /// browser cannot add a header to the dashboard's pages, but it does prompt for Basic credentials. A
    /// browser also replays those credentials on any request to the host, including a form another site
    /// makes it post, so they must never open an API route (cross-site request forgery); the dashboard's own
    /// forms are protected by an antiforgery token (see Extensions.AddSecurity).
    /// </summary>
    private string? PresentedKey()
    {
        if (Request.Headers.TryGetValue(ApiKeyDefaults.HeaderName, out var header) && !string.IsNullOrEmpty(header.ToString()))
            return header.ToString();
        if (!Request.Path.StartsWithSegments(ApiKeyDefaults.DashboardPath)) return null;
        var authorization = Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return null;
        try
        {
            var decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..].Trim()));
            var colon = decoded.IndexOf(':');
            return colon < 0 ? null : decoded[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <param name="role">The key's role.</param>
    /// <param name="keyId">A short fingerprint of the key: names the caller in logs and rate limits without revealing it.</param>
    private AuthenticateResult Success(string role, string keyId)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, keyId), new(ClaimTypes.Role, role) };
        // An admin may do everything a client may.
        if (role == ApiKeyDefaults.AdminRole) claims.Add(new Claim(ClaimTypes.Role, ApiKeyDefaults.ClientRole));
        var identity = new ClaimsIdentity(claims, Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var presented = !string.IsNullOrEmpty(PresentedKey());
        if (Request.Path.StartsWithSegments(ApiKeyDefaults.DashboardPath))
            Response.Headers.Append("WWW-Authenticate", "Basic realm=\"Recommender admin (any user name, admin key as password)\"");
        return WriteProblemAsync(StatusCodes.Status401Unauthorized, "Unauthorized",
            presented
                ? $"The {ApiKeyDefaults.HeaderName} header does not hold a valid API key."
                : $"This endpoint needs an API key in the {ApiKeyDefaults.HeaderName} header.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden",
            "This API key is not allowed to use this endpoint; it needs an admin key.");

    private async Task WriteProblemAsync(int status, string title, string detail)
    {
        Response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized)
            Response.Headers.Append("WWW-Authenticate", $"{ApiKeyDefaults.Scheme} header=\"{ApiKeyDefaults.HeaderName}\"");
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
