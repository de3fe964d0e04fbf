using System.ComponentModel.DataAnnotations;

namespace RecommenderService.Api.Outcomes;

/// <summary>How lists and their outcomes are recorded and judged (section <c>Outcomes</c>).</summary>
public sealed class OutcomeOptions
{
    public const string SectionName = "Outcomes";

    /// <summary>Record every list served (an impression) so its outcomes can be counted; off: lists still carry ids.</summary>
    public bool RecordImpressions { get; set; } = true;

    /// <summary>
    /// Impressions waiting to be written, at most. A full queue (the database slower than the traffic) drops the new
    /// ones and counts them, rather than holding requests or memory.
    /// </summary>
    [Range(100, 10_000_000)]
    public int QueueCapacity { get; set; } = 50_000;

    /// <summary>
    /// After the first impression of a batch arrives, how long the writer waits for more (unless the batch fills first):
    /// one COPY of many rows costs the database less than many COPYs of a few. Short, because an impression that waits
    /// longer than the gap between young garbage collections is promoted, and a long wait makes each batch a burst that
    /// takes a core from serving at once; at 50 ms the per-batch work (a transaction, the erased-user lookup) is still
    /// small beside the rows.
    /// </summary>
    [Range(0, 10_000)]
    public int FlushMilliseconds { get; set; } = 50;

    /// <summary>Impressions per COPY, at most.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 2_000;

    /// <summary>
    /// How often, at least, each replica writes its impression ledger (queued and settled counts), and looks for the
    /// ledgers of replicas that stopped or went silent for three of these, to count what they left unwritten.
    /// </summary>
    [Range(1, 300)]
    public int LedgerSeconds { get; set; } = 5;

    /// <summary>The window of the online figures: lists served in the last N hours and their outcomes.</summary>
    [Range(1, 24 * 366)]
    public int WindowHours { get; set; } = 24;

    /// <summary>How long the online figures are reused before they are computed again (0: every read computes them).</summary>
    [Range(0, 3_600)]
    public int FiguresCacheSeconds { get; set; } = 30;

    /// <summary>Impressions and events older than this many days are deleted.</summary>
    [Range(1, 3_650)]
    public int RetentionDays { get; set; } = 90;

    /// <summary>How often the retention delete runs (by one replica at a time).</summary>
    [Range(1, 86_400)]
    public int RetentionIntervalSeconds { get; set; } = 3_600;
}
