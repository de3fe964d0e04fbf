using Prometheus;
using RecommenderService.Api.Observability;

namespace RecommenderService.Api.Outcomes;

/// <summary>
/// What happens to impressions (recorded, written, dropped and why) and events on this replica. Every label comes from
/// a closed set: drop reasons, and event types from configuration.
/// </summary>
public sealed class OutcomeMetrics
{
    /// <summary>Values of the <c>reason</c> label of dropped impressions.</summary>
    public static class DropReason
    {
        /// <summary>The queue was full: the writer could not keep up with the traffic.</summary>
        public const string QueueFull = "queue_full";

        /// <summary>The COPY failed (database unreachable, or refused the batch).</summary>
        public const string WriteFailed = "write_failed";

        /// <summary>Still queued when a process stopped and its final flush could not write them (counted by the replica that found its ledger).</summary>
        public const string Shutdown = "shutdown";

        /// <summary>Queued by a process that ended without a graceful stop (counted by the replica that found its ledger).</summary>
        public const string Crash = "crash";

        /// <summary>For a user erased after the list was served: never written.</summary>
        public const string Erased = "erased";

        public static readonly string[] All = [QueueFull, WriteFailed, Shutdown, Crash, Erased];
    }

    private readonly Counter _recorded;
    private readonly Counter _written;
    private readonly Counter _dropped;
    private readonly Gauge _queued;
    private readonly Counter _events;
    private Func<int>? _queueLength;

    public OutcomeMetrics(MetricsRegistry registry, Microsoft.Extensions.Options.IOptions<Events.EventOptions> events)
    {
        var factory = registry.Factory;
        _recorded = factory.CreateCounter("recommender_impressions_recorded_total",
            "Lists served whose impression was queued for writing.");
        _written = factory.CreateCounter("recommender_impressions_written_total",
            "Impressions written to the database.");
        _dropped = factory.CreateCounter("recommender_impressions_dropped_total",
            "Impressions not written, by reason (queue_full, write_failed, erased; shutdown and crash: left unwritten by a process that is gone, counted by the replica that found its ledger).",
            ["reason"]);
        _queued = factory.CreateGauge("recommender_impression_queue_length", "Impressions queued and not yet written.");
        _events = factory.CreateCounter("recommender_events_total", "Outcome events stored, by type (and rating: ratings that cited a list).", ["type"]);
        foreach (var reason in DropReason.All) _dropped.WithLabels(reason);
        foreach (var type in events.Value.Accepted) _events.WithLabels(type);
        _events.WithLabels(Events.EventTypes.Rating);
        registry.BeforeScrape(() => _queued.Set(_queueLength?.Invoke() ?? 0));
    }

    /// <summary>Where the queue length is read from at scrape time.</summary>
    public void ObserveQueue(Func<int> length) => _queueLength = length;

    public void Recorded() => _recorded.Inc();

    public void Written(int count) => _written.Inc(count);

    public void Dropped(string reason, long count) => _dropped.WithLabels(reason).Inc(count);

    public void EventsStored(string type, int count) => _events.WithLabels(type).Inc(count);
}
