using Microsoft.Extensions.Options;

using Prometheus;

using RecommenderService.Api.Observability;
using RecommenderService.Api.Outcomes.Events;

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
    private readonly HashSet<string> _strategies;
    private readonly HashSet<string> _sources;
    private readonly IReadOnlyList<string> _types;
    private readonly Lock _lock = new();
    private PublishedSeries _published = new();

    public OnlineMetrics(MetricsRegistry registry, IOptions<EventOptions> events, IOptions<OnlineLabelSets> labels)
    {
        _strategies = new HashSet<string>(labels.Value.Strategies, StringComparer.Ordinal);
        _sources = new HashSet<string>(labels.Value.Sources, StringComparer.Ordinal);
        _types = events.Value.Accepted;
        var factory = registry.Factory;
        _impressions = factory.CreateGauge("recommender_online_impressions",
            "Lists shown in the online window (Outcomes:WindowHours) by the active or the previous model version, by strategy and source (all = every one).",
            ["model", "strategy", "source"]);
        _rate = factory.CreateGauge("recommender_online_rate",
            "Share of those lists with an outcome: click_through, liked_rating, conversion_<event type>.", ["model", "strategy", "source", "figure"]);
    }

    /// <summary>The figures to export: those of the active version and of the one active before it (either may be absent).</summary>
    public void Update(OnlineFigures? active, OnlineFigures? previous)
    {
        var now = new PublishedSeries();
        lock (_lock)
        {
            Set(Model.Active, active, now);
            Set(Model.Previous, previous, now);
            _published.RemoveAbsentFrom(now);
            _published = now;
        }
    }

    private void Set(string model, OnlineFigures? figures, PublishedSeries now)
    {
        if (figures is null || figures.Impressions == 0) return;
        now.Publish(_impressions, figures.Impressions, model, All, All);
        foreach (var (figure, rate) in Rates(figures.ClickThrough, figures.LikedRating, figures.Conversions, _types))
            now.Publish(_rate, rate, model, All, All, figure);
        foreach (var segment in figures.Segments)
        {
            if (!_strategies.Contains(segment.Strategy) || !_sources.Contains(segment.Source)) continue;
            now.Publish(_impressions, segment.Impressions, model, segment.Strategy, segment.Source);
            foreach (var (figure, rate) in Rates(segment.ClickThrough, segment.LikedRating, segment.Conversions, _types))
                now.Publish(_rate, rate, model, segment.Strategy, segment.Source, figure);
        }
    }

    /// <summary>Each figure's label and rate: click-through, liked rating, then a conversion per configured event type.</summary>
    public static IEnumerable<(string Figure, double Rate)> Rates(OnlineRate clickThrough, OnlineRate likedRating,
        IReadOnlyDictionary<string, OnlineRate> conversions, IReadOnlyList<string> types)
    {
        yield return (ClickThrough, clickThrough.Rate);
        yield return (LikedRating, likedRating.Rate);
        foreach (var type in types)
            if (conversions.TryGetValue(type, out var rate)) yield return ("conversion_" + type, rate.Rate);
    }
}
