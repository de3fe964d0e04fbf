using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using RecommenderService.Api.Security;

namespace RecommenderService.Api.Dashboard;

/// <summary>
/// Checks what a person types into the sign-in form with the API's own checks: a key against the configured keys
/// (<see cref="ApiKeyStore"/>, as the job dashboard does), a token through the API's bearer scheme, so the issuer,
/// audience, signature, lifetime and admin claim rules are the ones every API request meets. Only an admin may open
/// a session.
/// </summary>
public sealed class DashboardSignIn(ApiKeyStore keys, IServiceScopeFactory scopes, IAuthenticationSchemeProvider schemes)
{
    public DashboardSignInResult WithKey(string key)
    {
        var role = keys.RoleOf(key);
        if (role is null) return DashboardSignInResult.Refused(StatusCodes.Status401Unauthorized, "This is not a key this service knows.");
        if (role != ApiKeyDefaults.AdminRole)
            return DashboardSignInResult.Refused(StatusCodes.Status403Forbidden, "This is a client key; the dashboard needs an admin key.");
        return DashboardSignInResult.Success(Principal("key:" + ApiKeyStore.Fingerprint(key), new Claim(DashboardDefaults.KeyDigestClaim, ApiKeyStore.DigestOf(key))), null);
    }

    public async Task<DashboardSignInResult> WithTokenAsync(string token)
    {
        if (await schemes.GetSchemeAsync(JwtDefaults.Scheme) is null)
            return DashboardSignInResult.Refused(StatusCodes.Status401Unauthorized, "This service accepts no tokens (Auth:Jwt is not configured); sign in with an admin key.");

        // A request of its own, in a scope of its own, that carries the token as an API call would: the bearer
        // handler validates it exactly as it validates every API request.
        using var scope = scopes.CreateScope();
        var request = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        request.Request.Headers.Authorization = "Bearer " + token.Trim();
        var result = await request.AuthenticateAsync(JwtDefaults.Scheme);
        if (!result.Succeeded || result.Principal is null)
            return DashboardSignInResult.Refused(StatusCodes.Status401Unauthorized,
                "This token is not valid here: expired, issued by another issuer or for another audience, or not signed by a trusted key.");
        if (!result.Principal.IsInRole(ApiKeyDefaults.AdminRole))
            return DashboardSignInResult.Refused(StatusCodes.Status403Forbidden,
                "This is a user token; the dashboard needs a token with the admin claim (Auth:Jwt:AdminClaimType).");

        var subject = result.Principal.FindFirst(JwtDefaults.SubjectClaim)?.Value;
        // The session ends when the token does.
        var expires = long.TryParse(result.Principal.FindFirst("exp")?.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var exp)
            ? DateTimeOffset.FromUnixTimeSeconds(exp)
            : (DateTimeOffset?)null;
        return expires is { } end
            ? DashboardSignInResult.Success(Principal("user:" + subject,
                new Claim(DashboardDefaults.ExpiresClaim, end.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))), end)
            : DashboardSignInResult.Refused(StatusCodes.Status401Unauthorized, "This token has no expiry (exp); the dashboard opens sessions for tokens that end.");
    }

    private static ClaimsPrincipal Principal(string name, params Claim[] more)
    {
        List<Claim> claims = [new(ClaimTypes.Name, name), new(ClaimTypes.Role, ApiKeyDefaults.AdminRole), .. more];
        return new ClaimsPrincipal(new ClaimsIdentity(claims, DashboardDefaults.CookieScheme, ClaimTypes.Name, ClaimTypes.Role));
    }
}
