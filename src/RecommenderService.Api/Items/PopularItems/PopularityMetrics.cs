using Prometheus;

using RecommenderService.Api.Observability;

namespace RecommenderService.Api.Items.PopularItems;

/// <summary>How often and how fast this replica recomputes its popular lists, and how old the lists it serves are.</summary>
public sealed class PopularityMetrics
{
    private readonly Counter _refreshes;
    private readonly Histogram _refreshDuration;
    private readonly Gauge _age;
    private readonly TimeProvider _clock;
    private long _computedAtTicks; // UTC ticks; 0 = not yet (read by the scrape thread)

    public PopularityMetrics(MetricsRegistry registry, TimeProvider clock)
    {
        _clock = clock;
        var factory = registry.Factory;
        _refreshes = factory.CreateCounter("recommender_popularity_refreshes_total",
            "Recomputations of the popularity list, by result (ok, failed).", ["result"]);
        _refreshDuration = factory.CreateHistogram("recommender_popularity_refresh_duration_seconds",
            "Seconds to recompute the popularity list.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2.5, 12) });
        _age = factory.CreateGauge("recommender_popularity_age_seconds",
            "Seconds since the popularity list this replica serves was computed (absent before the first).");
        _refreshes.WithLabels("ok");
        _refreshes.WithLabels("failed");
        _age.Unpublish();
        registry.BeforeScrape(UpdateAge);
    }

    public void Refreshed(TimeSpan elapsed)
    {
        _refreshes.WithLabels("ok").Inc();
        _refreshDuration.Observe(elapsed.TotalSeconds);
        Volatile.Write(ref _computedAtTicks, _clock.GetUtcNow().UtcTicks);
        UpdateAge();
    }

    public void RefreshFailed() => _refreshes.WithLabels("failed").Inc();

    private void UpdateAge()
    {
        var at = Volatile.Read(ref _computedAtTicks);
        if (at == 0) return;
        _age.Set(TimeSpan.FromTicks(_clock.GetUtcNow().UtcTicks - at).TotalSeconds);
        _age.Publish();
    }
}
