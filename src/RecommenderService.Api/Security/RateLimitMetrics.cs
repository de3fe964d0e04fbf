using Prometheus;
using RecommenderService.Api.Observability;

namespace RecommenderService.Api.Security;

/// <summary>Requests refused by the per-key rate limiter (429).</summary>
public sealed class RateLimitMetrics(MetricsRegistry registry)
{
    private readonly Counter _rejections = registry.Factory.CreateCounter("recommender_rate_limit_rejections_total",
        "Requests answered 429 because their client key had used up its budget.");

    public void Rejected() => _rejections.Inc();
}
