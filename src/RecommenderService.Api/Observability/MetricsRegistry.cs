using Prometheus;

namespace RecommenderService.Api.Observability;

/// <summary>
/// This host's own Prometheus registry, the one <c>/metrics</c> exports. Its own rather than prometheus-net's
/// process-wide default for two reasons: the default one also carries whatever the runtime publishes through
/// System.Diagnostics.Metrics and EventCounters (dozens of <c>private_internaldiagnostics_*</c> series nobody
/// operates on), and a process can hold several hosts (the integration tests do), each of which is a replica
/// whose gauges must not overwrite another's. Process and GC figures (<c>process_*</c>, <c>dotnet_*</c>) are kept.
/// </summary>
public sealed class MetricsRegistry
{
    public MetricsRegistry()
    {
        Registry = Metrics.NewCustomRegistry();
        DotNetStats.Register(Registry);
        Factory = Metrics.WithCustomRegistry(Registry);
    }

    public CollectorRegistry Registry { get; }

    /// <summary>Creates series in <see cref="Registry"/>.</summary>
    public IMetricFactory Factory { get; }

    /// <summary>Runs <paramref name="update"/> just before every scrape (gauges that are a function of the clock).</summary>
    public void BeforeScrape(Action update) => Registry.AddBeforeCollectCallback(update);
}
