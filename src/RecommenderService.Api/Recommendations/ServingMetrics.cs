using Prometheus;
using RecommenderService.Api.Observability;

namespace RecommenderService.Api.Recommendations;

/// <summary>
/// How lists are made: by strategy (model, folded-in, popularity) and source (which head ordered the list),
/// how often and how fast users are folded in, and how fresh the popularity list is. HTTP rates and
/// latencies come from prometheus-net's middleware.
/// </summary>
public sealed class ServingMetrics
{
    /// <summary>Values of the <c>source</c> label.</summary>
    public static class Source
    {
        public const string RankingHead = "ranking_head";
        public const string RatingHead = "rating_head";
        public const string Popularity = "popularity";
    }

    private readonly Counter _lists;
    private readonly Histogram _foldIn;
    private readonly Counter _popularityRefreshes;
    private readonly Histogram _popularityRefreshDuration;
    private readonly Gauge _popularityAge;
    private readonly TimeProvider _clock;
    private long _popularityComputedAtTicks; // UTC ticks; 0 = not yet (read by the scrape thread)

    public ServingMetrics(MetricsRegistry registry, TimeProvider clock)
    {
        _clock = clock;
        var factory = registry.Factory;
        _lists = factory.CreateCounter("recommender_recommendations_total",
            "Recommendation lists served, by strategy (model, folded-in, popularity) and source (ranking_head, rating_head, popularity).",
            new CounterConfiguration { LabelNames = ["strategy", "source"] });
        _foldIn = factory.CreateHistogram("recommender_fold_in_duration_seconds",
            "Seconds to fold a user in (solve their vectors from their current ratings); the count is the number of fold-ins.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.00005, 2.5, 12) });
        _popularityRefreshes = factory.CreateCounter("recommender_popularity_refreshes_total",
            "Recomputations of the popularity list, by result (ok, failed).", ["result"]);
        _popularityRefreshDuration = factory.CreateHistogram("recommender_popularity_refresh_duration_seconds",
            "Seconds to recompute the popularity list.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2.5, 12) });
        _popularityAge = factory.CreateGauge("recommender_popularity_age_seconds",
            "Seconds since the popularity list this replica serves was computed (absent before the first).");
        // Every combination that can occur exists at zero from start-up (rate() then sees the first list of each).
        foreach (var strategy in new[] { RecommendationStrategy.Model, RecommendationStrategy.FoldedIn })
        foreach (var source in new[] { Source.RankingHead, Source.RatingHead })
            _lists.WithLabels(strategy, source);
        _lists.WithLabels(RecommendationStrategy.Popularity, Source.Popularity);
        _popularityRefreshes.WithLabels("ok");
        _popularityRefreshes.WithLabels("failed");
        _popularityAge.Unpublish();
        registry.BeforeScrape(UpdatePopularityAge);
    }

    public void Recommended(string strategy, string source) => _lists.WithLabels(strategy, source).Inc();

    public void FoldedIn(TimeSpan elapsed) => _foldIn.Observe(elapsed.TotalSeconds);

    public void PopularityRefreshed(TimeSpan elapsed)
    {
        _popularityRefreshes.WithLabels("ok").Inc();
        _popularityRefreshDuration.Observe(elapsed.TotalSeconds);
        Volatile.Write(ref _popularityComputedAtTicks, _clock.GetUtcNow().UtcTicks);
        UpdatePopularityAge();
    }

    public void PopularityRefreshFailed() => _popularityRefreshes.WithLabels("failed").Inc();

    private void UpdatePopularityAge()
    {
        var at = Volatile.Read(ref _popularityComputedAtTicks);
        if (at == 0) return;
        _popularityAge.Set(TimeSpan.FromTicks(_clock.GetUtcNow().UtcTicks - at).TotalSeconds);
        _popularityAge.Publish();
    }
}
