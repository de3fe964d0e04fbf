using Microsoft.Extensions.Options;

using Prometheus;

using RecommenderService.Api.Observability;
using RecommenderService.Api.Outcomes.Events;
using RecommenderService.Api.Outcomes.Figures;

namespace RecommenderService.Api.Model.Experiments;

/// <summary>
/// The running experiment's online figures as gauges: per arm (<c>control</c>, <c>treatment</c>) and figure, and the
/// difference with its interval. Labels come from closed sets; with no experiment running the series are removed.
/// </summary>
public sealed class ExperimentMetrics
{
    private readonly Gauge _rate;
    private readonly Gauge _difference;
    private readonly IReadOnlyList<string> _types;
    private readonly Lock _lock = new();
    private PublishedSeries _published = new();

    public ExperimentMetrics(MetricsRegistry registry, IOptions<EventOptions> events)
    {
        _types = events.Value.Accepted;
        _rate = registry.Factory.CreateGauge("recommender_experiment_rate",
            "Share of the running experiment's lists with an outcome, by arm (control, treatment) and figure.", ["arm", "figure"]);
        _difference = registry.Factory.CreateGauge("recommender_experiment_difference",
            "Treatment minus control of the running experiment, by figure, with the ends of its 95 % interval (bound = estimate, low, high).",
            ["figure", "bound"]);
    }

    /// <summary>The running experiment's figures per arm and differences, or none (series removed) when none runs.</summary>
    public void Update(ExperimentFigures? figures)
    {
        var now = new PublishedSeries();
        if (figures is not null)
        {
            foreach (var (arm, outcomes) in new[] { (ExperimentArms.Control, figures.Control), (ExperimentArms.Treatment, figures.Treatment) })
                foreach (var (figure, rate) in OnlineMetrics.Rates(outcomes.ClickThrough, outcomes.LikedRating, outcomes.Conversions, _types))
                    now.Publish(_rate, rate, arm, figure);
            foreach (var (figure, difference) in Differences(figures))
            {
                now.Publish(_difference, difference.Difference, figure, "estimate");
                now.Publish(_difference, difference.Low, figure, "low");
                now.Publish(_difference, difference.High, figure, "high");
            }
        }
        lock (_lock)
        {
            _published.RemoveAbsentFrom(now);
            _published = now;
        }
    }

    private IEnumerable<(string Figure, OnlineDifference Difference)> Differences(ExperimentFigures figures)
    {
        yield return (OnlineMetrics.ClickThrough, figures.Differences.ClickThrough);
        yield return (OnlineMetrics.LikedRating, figures.Differences.LikedRating);
        foreach (var type in _types)
            if (figures.Differences.Conversions.TryGetValue(type, out var difference)) yield return ("conversion_" + type, difference);
    }
}
