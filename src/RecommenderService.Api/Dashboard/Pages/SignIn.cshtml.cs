using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace RecommenderService.Api.Dashboard.Pages;

/// <summary>
/// Opens a dashboard session for an admin key or an admin token. A client key or a user token is refused with
/// 403, an unknown key or an invalid token with 401; the form carries an antiforgery token like every other.
/// </summary>
public sealed class SignInPage(DashboardSignIn signIn, SignInAttempts attempts) : PageModel
{
    [BindProperty] public string? Key { get; set; }
    [BindProperty] public string? Token { get; set; }

    /// <summary>The page the browser asked for before it was sent here.</summary>
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public string? Problem { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!attempts.TryAttempt(HttpContext))
            return Refuse(StatusCodes.Status429TooManyRequests, "Too many sign-in attempts from this address; wait a few seconds and try again.");

        var result = !string.IsNullOrEmpty(Key) ? signIn.WithKey(Key)
            : !string.IsNullOrWhiteSpace(Token) ? await signIn.WithTokenAsync(Token)
            : DashboardSignInResult.Refused(StatusCodes.Status400BadRequest, "Enter an admin key or an admin token.");
        if (result.Principal is null) return Refuse(result.Status, result.Problem!);

        await HttpContext.SignInAsync(DashboardDefaults.CookieScheme, result.Principal,
            new AuthenticationProperties { ExpiresUtc = result.ExpiresAt, IsPersistent = false });
        return LocalRedirect(Destination());
    }

    private PageResult Refuse(int status, string problem)
    {
        Problem = problem;
        Response.StatusCode = status;
        return Page();
    }

    /// <summary>Back to the dashboard page asked for; never off the dashboard (an open redirect) nor back here.</summary>
    private string Destination() =>
        ReturnUrl is { } url && Url.IsLocalUrl(url) && url.StartsWith(DashboardDefaults.Path + "/", StringComparison.Ordinal)
            && !url.StartsWith(DashboardDefaults.SignInPath, StringComparison.Ordinal)
            ? url
            : DashboardDefaults.HomePath;
}
