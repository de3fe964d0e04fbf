using Microsoft.Extensions.DependencyInjection.Extensions;
using Prometheus;
using RecommenderService.Api.Model;
using RecommenderService.Api.Ratings;
using RecommenderService.Api.Recommendations;
using RecommenderService.Api.Security;

namespace RecommenderService.Api.Observability;

/// <summary>Metrics, tracing and request ids: registration and their place in the pipeline.</summary>
public static class ObservabilityRegistration
{
    public static void AddObservability(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<MetricsRegistry>();
        services.AddSingleton<LifecycleMetrics>();
        services.AddSingleton<ServingMetrics>();
        services.AddSingleton<CacheMetrics>();
        services.AddSingleton<IngestMetrics>();
        services.AddSingleton<RateLimitMetrics>();
        builder.AddTracing();
    }


    /// <summary>HTTP series for every request that follows in the pipeline.</summary>
    public static void UseHttpMetrics(this WebApplication app, MetricsRegistry registry) =>
        app.UseHttpMetrics(options => options.SetMetricFactory(registry.Factory));

    /// <summary>
    /// <c>/metrics</c>, anonymous (scrapers carry no key; nothing in it is per user). The series of the model's
    /// life exist from start-up, not from the first request that happens to need them.
    /// </summary>
    public static void MapServiceMetrics(this WebApplication app)
    {
        var registry = app.Services.GetRequiredService<MetricsRegistry>();
        app.Services.GetRequiredService<LifecycleMetrics>();
        app.Services.GetRequiredService<ServingMetrics>();
        app.Services.GetRequiredService<CacheMetrics>();
        app.Services.GetRequiredService<IngestMetrics>();
        app.Services.GetRequiredService<RateLimitMetrics>();
        app.MapMetrics("/metrics", registry.Registry).AllowAnonymous();
    }
}
