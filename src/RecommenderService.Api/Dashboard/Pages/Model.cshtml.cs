using Microsoft.AspNetCore.Mvc.RazorPages;
using RecommenderService.Api.Dashboard.Charts;
using RecommenderService.Api.Model.Versions;
using RecommenderService.Api.Persistence.Entities;

namespace RecommenderService.Api.Dashboard.Pages;

/// <summary>
/// "Is the new model better?": every version's holdout figures over time against both popularity lists, its stage
/// timings, status and reason, and the way to activate or roll back to a version.
/// </summary>
public sealed class ModelPage(ModelVersionStore versions) : PageModel
{
    /// <summary>Newest first.</summary>
    public IReadOnlyList<VersionFigures> Versions { get; private set; } = [];

    public VersionFigures? Active { get; private set; }

    /// <summary>The version just activated from this dashboard, to say so.</summary>
    public int? Activated { get; private set; }

    /// <summary>Measured versions, oldest first: the charts' x axis.</summary>
    public IReadOnlyList<VersionFigures> Measured { get; private set; } = [];

    /// <summary>The newest superseded version older than the active one: what "roll back" goes to.</summary>
    public int? RollbackTarget { get; private set; }

    public async Task OnGetAsync(int? activated, CancellationToken cancellationToken)
    {
        Activated = activated;
        Versions = (await versions.ListAsync(cancellationToken)).Select(VersionFigures.From).ToList();
        Active = Versions.FirstOrDefault(v => v.Status == ModelStatus.Active);
        Measured = Versions.Where(v => v.Measured).OrderBy(v => v.Version).ToList();
        RollbackTarget = Active is null ? null
            : Versions.FirstOrDefault(v => v.Status == ModelStatus.Superseded && v.Version < Active.Version)?.Version;
    }

    public IReadOnlyList<string> ChartLabels => Measured.Select(v => "v" + v.Version).ToList();

    public IReadOnlyList<ChartSeries> RmseSeries =>
    [
        new("Holdout RMSE", Measured.Select(v => v.Rmse).ToList()),
        new("Biases-only RMSE", Measured.Select(v => v.BaselineRmse).ToList(), Dashed: true),
    ];

    public IReadOnlyList<ChartSeries> ListSeries =>
    [
        new("The version's lists", Measured.Select(v => v.Ndcg).ToList()),
        new("Most-rated list", Measured.Select(v => v.PopularityNdcg).ToList(), Dashed: true),
        new("Served popular list", Measured.Select(v => v.ServedPopularityNdcg).ToList(), Dashed: true),
    ];
}
