using Microsoft.Extensions.DependencyInjection.Extensions;
using Prometheus;

namespace RecommenderService.Api.Observability;

/// <summary>Metrics, tracing and request ids: registration and their place in the pipeline.</summary>
public static class ObservabilityRegistration
{
    public static void AddObservability(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<MetricsRegistry>();
        services.AddServiceMetrics<CacheMetrics>();
        builder.AddTracing();
    }

    /// <summary>
    /// Registers a feature's metrics class (a singleton taking <see cref="MetricsRegistry"/>) so that
    /// <see cref="MapServiceMetrics"/> creates it at start-up: its series exist before the first request needs them.
    /// </summary>
    public static IServiceCollection AddServiceMetrics<TMetrics>(this IServiceCollection services) where TMetrics : class
    {
        services.AddSingleton<TMetrics>();
        services.AddSingleton(new ServiceMetricsType(typeof(TMetrics)));
        return services;
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
        foreach (var metrics in app.Services.GetServices<ServiceMetricsType>())
            app.Services.GetRequiredService(metrics.Type);
        app.MapMetrics("/metrics", registry.Registry).AllowAnonymous();
    }
}

/// <summary>A metrics class registered with <see cref="ObservabilityRegistration.AddServiceMetrics{TMetrics}"/>.</summary>
internal sealed record ServiceMetricsType(Type Type);
