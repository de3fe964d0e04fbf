using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using RecommenderService.Api.Security;

namespace RecommenderService.Api.Dashboard;

/// <summary>
/// The dashboard's session: an HTTP-only cookie for the dashboard's path, protected with the shared data-protection
/// key ring (so every replica reads it), ending after eight idle hours, when its token expires, or as soon as the key
/// it was opened with is no longer an admin key.
/// </summary>
public static class DashboardCookie
{
    public static void Configure(CookieAuthenticationOptions options)
    {
        options.Cookie.Name = DashboardDefaults.CookieName;
        options.Cookie.Path = DashboardDefaults.Path;
        options.Cookie.HttpOnly = true;
        // Lax, so a link to a dashboard page from elsewhere (an alert, a chat) finds the session; every POST needs
        // the antiforgery token as well, which no other site can read.
        options.Cookie.SameSite = SameSiteMode.Lax;
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.LoginPath = DashboardDefaults.SignInPath;
        options.ExpireTimeSpan = TimeSpan.FromHours(8);
        options.SlidingExpiration = true;
        options.Events.OnRedirectToAccessDenied = context =>
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        };
        options.Events.OnValidatePrincipal = async context =>
        {
            if (StillValid(context.Principal, context.HttpContext)) return;
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(DashboardDefaults.CookieScheme);
        };
    }

    /// <summary>A key session while its key is an admin key; a token session until its token expires (sliding renewal must not outlive it).</summary>
    private static bool StillValid(System.Security.Claims.ClaimsPrincipal? principal, HttpContext context)
    {
        if (principal is null) return false;
        if (principal.FindFirst(DashboardDefaults.KeyDigestClaim)?.Value is { } digest
            && !context.RequestServices.GetRequiredService<ApiKeyStore>().IsAdminDigest(digest)) return false;
        if (principal.FindFirst(DashboardDefaults.ExpiresClaim)?.Value is { } expires
            && (!long.TryParse(expires, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
                || DateTimeOffset.FromUnixTimeSeconds(seconds) <= context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow())) return false;
        return true;
    }
}
