using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace RecommenderService.Api.Dashboard.Pages;

/// <summary><c>/dashboard</c> itself: the model page is where people start.</summary>
public sealed class IndexPage : PageModel
{
    public IActionResult OnGet() => LocalRedirect(DashboardDefaults.HomePath);
}
