using Microsoft.Extensions.Options;
using Prometheus;
using RecommenderService.Api.Observability;
using RecommenderService.Api.Outcomes.Events;
using RecommenderService.Api.Outcomes.Experiments;
using RecommenderService.Api.Outcomes.Impressions;

namespace RecommenderService.Api.Outcomes.Figures;

/// <summary>
/// The online figures as gauges, for the dashboard and alerts. Labels come from closed sets only: <c>model</c> is
/// <c>active</c> or <c>previous</c> (the version active before it), never a version number; <c>strategy</c> and
/// <c>source</c> are the service's own (or <c>all</c>); <c>figure</c> is <c>click_through</c>, <c>liked_rating</c> or
/// <c>conversion_</c> and a configured event type. A series whose segment has no lists in the window is removed.
/// </summary>
public sealed class OnlineMetrics
{
    /// <summary>Values of the <c>model</c> label.</summary>
    public static class Model
    {
        public const string Active = "active";
        public const string Previous = "previous";
    }

    public const string All = "all";
    public const string ClickThrough = "click_through";
    public const string LikedRating = "liked_rating";

    private readonly Gauge _impressions;
    private readonly Gauge _rate;
    private readonly Gauge _experimentRate;
    private readonly Gauge _experimentDifference;
    private readonly HashSet<string> _strategies = new(ListKinds.Strategies, StringComparer.Ordinal);
    private readonly HashSet<string> _sources = new(ListKinds.Sources, StringComparer.Ordinal);
    private readonly IReadOnlyList<string> _types;
    private readonly Lock _lock = new();
    private HashSet<string[]> _published = new(LabelsComparer.Instance);
    private HashSet<string[]> _publishedExperiment = new(LabelsComparer.Instance);

    public OnlineMetrics(MetricsRegistry registry, IOptions<EventOptions> events)
    {
        _types = events.Value.Accepted;
        var factory = registry.Factory;
        _impressions = factory.CreateGauge("recommender_online_impressions",
            "Lists shown in the online window (Outcomes:WindowHours) by the active or the previous model version, by strategy and source (all = every one).",
            ["model", "strategy", "source"]);
        _rate = factory.CreateGauge("recommender_online_rate",
            "Share of those lists with an outcome: click_through, liked_rating, conversion_<event type>.", ["model", "strategy", "source", "figure"]);
        _experimentRate = factory.CreateGauge("recommender_experiment_rate",
            "Share of the running experiment's lists with an outcome, by arm (control, treatment) and figure.", ["arm", "figure"]);
        _experimentDifference = factory.CreateGauge("recommender_experiment_difference",
            "Treatment minus control of the running experiment, by figure, with the ends of its 95 % interval (bound = estimate, low, high).",
            ["figure", "bound"]);
    }

    /// <summary>The figures to export: those of the active version and of the one active before it (either may be absent).</summary>
    public void Update(OnlineFigures? active, OnlineFigures? previous)
    {
        var now = new HashSet<string[]>(LabelsComparer.Instance);
        lock (_lock)
        {
            Set(Model.Active, active, now);
            Set(Model.Previous, previous, now);
            foreach (var stale in _published.Where(labels => !now.Contains(labels)))
            {
                if (stale.Length == 3) _impressions.RemoveLabelled(stale);
                else _rate.RemoveLabelled(stale);
            }
            _published = now;
        }
    }

    /// <summary>The running experiment's figures per arm and differences, or none (series removed) when none runs.</summary>
    public void UpdateExperiment(ExperimentFigures? figures)
    {
        var now = new HashSet<string[]>(LabelsComparer.Instance);
        lock (_lock)
        {
            if (figures is not null)
            {
                foreach (var (arm, outcomes) in new[] { (ExperimentArms.Control, figures.Control), (ExperimentArms.Treatment, figures.Treatment) })
                    foreach (var (figure, rate) in Rates(outcomes.ClickThrough, outcomes.LikedRating, outcomes.Conversions))
                        Publish(_experimentRate, now, rate, arm, figure);
                foreach (var (figure, difference) in Differences(figures))
                {
                    Publish(_experimentDifference, now, difference.Difference, figure, "estimate");
                    Publish(_experimentDifference, now, difference.Low, figure, "low");
                    Publish(_experimentDifference, now, difference.High, figure, "high");
                }
            }
            foreach (var stale in _publishedExperiment.Where(labels => !now.Contains(labels)))
            {
                if (stale.Length == 2 && ExperimentArms.All.Contains(stale[0])) _experimentRate.RemoveLabelled(stale);
                else _experimentDifference.RemoveLabelled(stale);
            }
            _publishedExperiment = now;
        }
    }

    private IEnumerable<(string Figure, OnlineDifference Difference)> Differences(ExperimentFigures figures)
    {
        yield return (ClickThrough, figures.Differences.ClickThrough);
        yield return (LikedRating, figures.Differences.LikedRating);
        foreach (var type in _types)
            if (figures.Differences.Conversions.TryGetValue(type, out var difference)) yield return ("conversion_" + type, difference);
    }

    private void Set(string model, OnlineFigures? figures, HashSet<string[]> now)
    {
        if (figures is null || figures.Impressions == 0) return;
        Publish(_impressions, now, figures.Impressions, model, All, All);
        foreach (var (figure, rate) in Rates(figures.ClickThrough, figures.LikedRating, figures.Conversions))
            Publish(_rate, now, rate, model, All, All, figure);
        foreach (var segment in figures.Segments)
        {
            if (!_strategies.Contains(segment.Strategy) || !_sources.Contains(segment.Source)) continue;
            Publish(_impressions, now, segment.Impressions, model, segment.Strategy, segment.Source);
            foreach (var (figure, rate) in Rates(segment.ClickThrough, segment.LikedRating, segment.Conversions))
                Publish(_rate, now, rate, model, segment.Strategy, segment.Source, figure);
        }
    }

    private IEnumerable<(string Figure, double Rate)> Rates(OnlineRate clickThrough, OnlineRate likedRating, IReadOnlyDictionary<string, OnlineRate> conversions)
    {
        yield return (ClickThrough, clickThrough.Rate);
        yield return (LikedRating, likedRating.Rate);
        foreach (var type in _types)
            if (conversions.TryGetValue(type, out var rate)) yield return ("conversion_" + type, rate.Rate);
    }

    private static void Publish(Gauge gauge, HashSet<string[]> now, double value, params string[] labels)
    {
        gauge.WithLabels(labels).Set(value);
        now.Add(labels);
    }

    private sealed class LabelsComparer : IEqualityComparer<string[]>
    {
        public static readonly LabelsComparer Instance = new();
        public bool Equals(string[]? x, string[]? y) => x is not null && y is not null && x.AsSpan().SequenceEqual(y);
        public int GetHashCode(string[] labels)
        {
            var hash = new HashCode();
            foreach (var label in labels) hash.Add(label);
            return hash.ToHashCode();
        }
    }
}
