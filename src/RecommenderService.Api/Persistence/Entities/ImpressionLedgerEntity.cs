namespace RecommenderService.Api.Persistence.Entities;

/// <summary>
/// One running process's account of its impressions: how many it queued and how many of those it has settled (written,
/// or dropped and counted when a write failed). What is queued and not settled lives only in that process's memory,
/// so when the process is gone its ledger says how many impressions went with it. Owner: <c>ImpressionLedger</c>.
/// </summary>
public sealed class ImpressionLedgerEntity
{
    /// <summary>The process (<c>ReplicaIdentity</c>).</summary>
    public required string ReplicaId { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    /// <summary>When the process last wrote its counts; a ledger left behind by a crash stops moving.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Impressions queued for writing (a full queue's drops are not queued, and are counted where they happen).</summary>
    public long Queued { get; set; }

    /// <summary>Of those, written or dropped because a write failed.</summary>
    public long Settled { get; set; }

    /// <summary>Set by a graceful stop, once the queue has been drained as far as the stop timeout allowed.</summary>
    public DateTimeOffset? StoppedAt { get; set; }
}
