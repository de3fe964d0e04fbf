using Microsoft.AspNetCore.Mvc.RazorPages;
using RecommenderService.Api.Dashboard.Outcomes;

namespace RecommenderService.Api.Dashboard.Pages;

/// <summary>Online figures per model version and experiment arm, with their intervals, from the <see cref="IOutcomeReport"/>.</summary>
public sealed class OutcomesPage(IOutcomeReport report) : PageModel
{
    public IReadOnlyList<OutcomeFigure> Figures { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => Figures = await report.ReadAsync(cancellationToken);
}
