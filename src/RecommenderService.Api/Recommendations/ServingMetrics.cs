using Prometheus;

using RecommenderService.Api.Observability;

namespace RecommenderService.Api.Recommendations;

/// <summary>
/// How lists are made: by strategy (model, folded-in, popularity) and source (which head ordered the list),
/// and how often and how fast users are folded in and their reasons set up. HTTP rates and
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
    private readonly Histogram _reasons;

    public ServingMetrics(MetricsRegistry registry)
    {
        var factory = registry.Factory;
        _lists = factory.CreateCounter("recommender_recommendations_total",
            "Recommendation lists served, by strategy (model, folded-in, popularity) and source (ranking_head, rating_head, popularity).",
            new CounterConfiguration { LabelNames = ["strategy", "source"] });
        _foldIn = factory.CreateHistogram("recommender_fold_in_duration_seconds",
            "Seconds to fold a user in (solve their vectors from their current ratings); the count is the number of fold-ins.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.00005, 2.5, 12) });
        _reasons = factory.CreateHistogram("recommender_reasons_setup_duration_seconds",
            "Seconds to set up a user's reasons (the k×k part that splits their ranking scores, kept with their vector); the count is the number of set-ups.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.00005, 2.5, 12) });
        // Every combination that can occur exists at zero from start-up (rate() then sees the first list of each).
        foreach (var strategy in new[] { RecommendationStrategy.Model, RecommendationStrategy.FoldedIn })
        foreach (var source in new[] { Source.RankingHead, Source.RatingHead })
            _lists.WithLabels(strategy, source);
        _lists.WithLabels(RecommendationStrategy.Popularity, Source.Popularity);
    }

    public void Recommended(string strategy, string source) => _lists.WithLabels(strategy, source).Inc();

    public void FoldedIn(TimeSpan elapsed) => _foldIn.Observe(elapsed.TotalSeconds);

    public void Explained(TimeSpan elapsed) => _reasons.Observe(elapsed.TotalSeconds);
}
