using RecommenderService.Api.Model.Experiments;
using RecommenderService.Api.Outcomes.Figures;

namespace RecommenderService.Api.Dashboard.Outcomes;

/// <summary>
/// The outcomes page's figures from the service's own online figures: every version's lists in the window (arm
/// <c>all</c>), then the running experiment's two arms, or the last experiment's when none runs.
/// </summary>
public sealed class OnlineOutcomeReport(OnlineFiguresCache online, ExperimentStore experiments, ExperimentFigureReader experimentFigures)
    : IOutcomeReport
{
    public const string AllLists = "all";

    public async Task<IReadOnlyList<OutcomeFigure>> ReadAsync(CancellationToken cancellationToken)
    {
        var figures = new List<OutcomeFigure>();
        foreach (var (version, byVersion) in (await online.ByVersionAsync(cancellationToken)).OrderByDescending(v => v.Key))
            if (byVersion.Impressions > 0)
                Add(figures, version, AllLists, byVersion.Impressions, byVersion.ClickThrough, byVersion.LikedRating, byVersion.Conversions);

        var experiment = await experiments.RunningAsync(cancellationToken)
                         ?? (await experiments.ListAsync(1, cancellationToken)).FirstOrDefault();
        if (experiment is not null)
        {
            var arms = await experimentFigures.ForAsync(experiment, cancellationToken);
            foreach (var (arm, name) in new[] { (arms.Control, ExperimentArms.Control), (arms.Treatment, ExperimentArms.Treatment) })
                Add(figures, arm.Version, $"{name} (experiment {experiment.Id})", arm.Impressions, arm.ClickThrough, arm.LikedRating, arm.Conversions);
        }
        return figures;
    }

    private static void Add(List<OutcomeFigure> figures, int version, string arm, long lists, OnlineRate clickThrough, OnlineRate likedRating,
        IReadOnlyDictionary<string, OnlineRate> conversions)
    {
        figures.Add(Figure(version, arm, "click-through", lists, clickThrough));
        figures.Add(Figure(version, arm, "liked rating", lists, likedRating));
        foreach (var (type, rate) in conversions.OrderBy(c => c.Key, StringComparer.Ordinal))
            figures.Add(Figure(version, arm, $"conversion: {type}", lists, rate));
    }

    private static OutcomeFigure Figure(int version, string arm, string metric, long lists, OnlineRate rate) =>
        new(version, arm, metric, lists, rate.Count, rate.Rate, rate.Low, rate.High);
}
