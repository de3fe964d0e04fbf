using Prometheus;

using RecommenderService.Api.Lifecycle;

namespace RecommenderService.Api.Serving;

/// <summary>The service's own Prometheus series (HTTP rates and latencies come from prometheus-net's middleware).</summary>
public sealed class ServiceMetrics
{
    private static readonly Counter Recommendations = Metrics.CreateCounter(
        "recommender_recommendations_total", "Recommendation lists served, by strategy.", "strategy");

    private static readonly Gauge ActiveModelVersion = Metrics.CreateGauge(
        "recommender_active_model_version", "Version of the model this replica serves (0 = none).");

    public ServiceMetrics(ModelHolder models)
    {
        ActiveModelVersion.Set(models.Current?.Version ?? 0);
        models.Swapped += model => ActiveModelVersion.Set(model?.Version ?? 0);
    }

    public void Recommended(string strategy) => Recommendations.WithLabels(strategy).Inc();
}
