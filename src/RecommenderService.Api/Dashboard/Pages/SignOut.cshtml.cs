using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace RecommenderService.Api.Dashboard.Pages;

/// <summary>Ends the session (a POST with the antiforgery token, from the button every page shows).</summary>
public sealed class SignOutPage : PageModel
{
    public IActionResult OnGet() => LocalRedirect(DashboardDefaults.HomePath);

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(DashboardDefaults.CookieScheme);
        return LocalRedirect(DashboardDefaults.SignInPath);
    }
}
