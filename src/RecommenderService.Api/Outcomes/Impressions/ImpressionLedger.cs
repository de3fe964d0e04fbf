using Npgsql;

using RecommenderService.Api.Infrastructure;
namespace RecommenderService.Api.Outcomes.Impressions;

/// <summary>
/// This process's row in <c>impression_ledgers</c>: how many impressions it queued and how many of those it settled
/// (written, or dropped and counted when a write failed). The writer moves it in the transaction of every COPY, so
/// "written" in the ledger is exactly what the table holds; <see cref="ImpressionLedgerKeeper"/> moves it between
/// batches. What a process queued and never settled died with it: the next replica to find its ledger (stopped, or
/// silent for three heartbeats) counts the difference as dropped, <c>shutdown</c> or <c>crash</c>, and deletes the
/// row. A crash loses at most the impressions queued since the last ledger write uncounted (a heartbeat's worth).
/// </summary>
public sealed class ImpressionLedger(NpgsqlDataSource database, ReplicaIdentity identity, ImpressionQueue queue, OutcomeMetrics metrics,
    ILogger<ImpressionLedger> logger)
{
    private const string UpdateSql = """
        UPDATE impression_ledgers SET queued = greatest(queued, $2), settled = greatest(settled, $3), updated_at = now()
        WHERE replica_id = $1
        """;

    private long _settled;
    // What the row counts from: moved past what a replica that took this ledger for a crash has already counted.
    private long _baseQueued;
    private long _baseSettled;
    private volatile bool _stopped;
    private bool _created;

    /// <summary>Impressions settled so far: written, or dropped after a failed write.</summary>
    public long Settled => Interlocked.Read(ref _settled);

    public void Settle(int count) => Interlocked.Add(ref _settled, count);

    /// <summary>
    /// The update for the transaction that writes <paramref name="writing"/> more impressions: committed with them, so
    /// the ledger never counts as written what the table does not hold.
    /// </summary>
    public NpgsqlBatchCommand UpdateCommand(int writing)
    {
        // Settled before queued: everything settled was queued earlier, so the row never shows more settled than queued.
        var settled = Settled + writing;
        var command = new NpgsqlBatchCommand(UpdateSql);
        command.Parameters.AddRange(Counts(queue.Queued, settled));
        return command;
    }

    /// <summary>Writes the counts now (a heartbeat); creates the row the first time, or again after another replica took it.</summary>
    public async Task ReportAsync(CancellationToken cancellationToken)
    {
        if (_stopped) return;
        var settled = Settled;
        var queued = queue.Queued;
        await using var update = database.CreateCommand(UpdateSql);
        update.Parameters.AddRange(Counts(queued, settled));
        if (await update.ExecuteNonQueryAsync(cancellationToken) > 0) return;
        if (_created)
        {
            // Another replica counted what this one had not settled then; the row starts again from here.
            logger.LogWarning("The impression ledger of {Replica} was gone (taken for a crash while the database could not be reached?); starting it again",
                identity.Id);
            (_baseQueued, _baseSettled) = (queued, settled);
        }
        await using var insert = database.CreateCommand(
            "INSERT INTO impression_ledgers (replica_id, queued, settled) VALUES ($1, $2, $3) ON CONFLICT (replica_id) DO NOTHING");
        insert.Parameters.AddRange(Counts(queued, settled));
        await insert.ExecuteNonQueryAsync(cancellationToken);
        _created = true;
    }

    /// <summary>The last write of a graceful stop: what is still unsettled is counted by whichever replica finds the ledger.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopped = true;
        var settled = Settled;
        await using var update = database.CreateCommand(UpdateSql.Replace("updated_at = now()", "updated_at = now(), stopped_at = now()", StringComparison.Ordinal));
        update.Parameters.AddRange(Counts(queue.Queued, settled));
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Takes the ledgers of processes that stopped, or have been silent for <paramref name="silentFor"/>, counts what
    /// they left unwritten as dropped here and deletes them. Each ledger is taken by one replica only.
    /// </summary>
    public async Task<IReadOnlyList<LeftBehind>> ReconcileAsync(TimeSpan silentFor, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            DELETE FROM impression_ledgers
            WHERE replica_id <> $1 AND (stopped_at IS NOT NULL OR updated_at < now() - $2::interval)
            RETURNING replica_id, greatest(queued - settled, 0), stopped_at IS NOT NULL
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = identity.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = silentFor });
        var found = new List<LeftBehind>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken))
                found.Add(new LeftBehind(reader.GetString(0), reader.GetInt64(1), reader.GetBoolean(2)));
        foreach (var ledger in found.Where(l => l.Unwritten > 0))
        {
            var reason = ledger.Stopped ? OutcomeMetrics.DropReason.Shutdown : OutcomeMetrics.DropReason.Crash;
            metrics.Dropped(reason, ledger.Unwritten);
            logger.LogWarning("Replica {Replica} {Ended} with {Impressions} impression(s) queued and not written; counted as dropped ({Reason})",
                ledger.ReplicaId, ledger.Stopped ? "stopped" : "went silent", ledger.Unwritten, reason);
        }
        return found;
    }

    private NpgsqlParameter[] Counts(long queued, long settled) =>
    [
        new() { Value = identity.Id },
        new() { Value = queued - _baseQueued },
        new() { Value = settled - _baseSettled },
    ];

    /// <summary>A ledger taken from a process that is gone.</summary>
    public sealed record LeftBehind(string ReplicaId, long Unwritten, bool Stopped);
}
