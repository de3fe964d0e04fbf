using Npgsql;

using RecommenderService.Api.Infrastructure;
namespace RecommenderService.Api.Model.Rollout;

/// <summary>
/// The only owner of <c>serving_replicas</c>: every replica records here, every few seconds and after every
/// load, that it is alive and which versions it serves and holds in standby. A rollout reads it to wait until
/// every live replica has loaded a version (an acknowledgement, not a guess) before switching to it.
/// </summary>
public sealed class ReplicaRegistry(NpgsqlDataSource database, ReplicaIdentity identity)
{
    /// <summary>A replica that has not reported for this many heartbeats is taken for dead and not waited for.</summary>
    public const int LiveHeartbeats = 3;

    /// <summary>Rows of replicas silent for this long are deleted (they stopped without saying so).</summary>
    private static readonly TimeSpan Forget = TimeSpan.FromMinutes(10);

    public async Task ReportAsync(int? serving, int? standby, CancellationToken cancellationToken)
    {
        await using var batch = database.CreateBatch();
        var upsert = new NpgsqlBatchCommand("""
            INSERT INTO serving_replicas (replica_id, host, heartbeat_at, serving_version, standby_version)
            VALUES ($1, $2, now(), $3, $4)
            ON CONFLICT (replica_id) DO UPDATE
              SET heartbeat_at = now(), serving_version = excluded.serving_version, standby_version = excluded.standby_version
            """);
        upsert.Parameters.Add(new NpgsqlParameter { Value = identity.Id });
        upsert.Parameters.Add(new NpgsqlParameter { Value = identity.Host });
        upsert.Parameters.Add(new NpgsqlParameter { Value = (object?)serving ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        upsert.Parameters.Add(new NpgsqlParameter { Value = (object?)standby ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        var forget = new NpgsqlBatchCommand("DELETE FROM serving_replicas WHERE heartbeat_at < now() - $1::interval");
        forget.Parameters.Add(new NpgsqlParameter { Value = Forget });
        batch.BatchCommands.Add(upsert);
        batch.BatchCommands.Add(forget);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Removes this replica's row at shutdown, so no rollout waits for a replica that has gone.</summary>
    public async Task RemoveAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("DELETE FROM serving_replicas WHERE replica_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = identity.Id });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Waits until every live replica serves or holds <paramref name="version"/>, or until <paramref name="deadline"/>;
    /// answers which replicas had it and which had not.
    /// </summary>
    public async Task<PreloadWait> WaitForVersionAsync(int version, TimeSpan heartbeat, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var (ready, missing) = await ReadAsync(version, heartbeat, cancellationToken);
            if (missing.Count == 0 || watch.Elapsed >= deadline)
                return new PreloadWait(ready, missing, watch.Elapsed.TotalSeconds);
            // Loads take from milliseconds to seconds; a short poll keeps the rollout close to the slowest one.
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }
    }

    /// <summary>Replicas that reported within <see cref="LiveHeartbeats"/> heartbeats, and the versions they hold.</summary>
    private async Task<IReadOnlyList<(string ReplicaId, int? Serving, int? Standby)>> LiveAsync(TimeSpan heartbeat, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "SELECT replica_id, serving_version, standby_version FROM serving_replicas WHERE heartbeat_at >= now() - $1::interval ORDER BY replica_id");
        command.Parameters.Add(new NpgsqlParameter { Value = heartbeat * LiveHeartbeats });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var live = new List<(string, int?, int?)>();
        while (await reader.ReadAsync(cancellationToken))
            live.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetInt32(2)));
        return live;
    }

    private async Task<(List<string> Ready, List<string> Missing)> ReadAsync(int version, TimeSpan heartbeat, CancellationToken cancellationToken)
    {
        var ready = new List<string>();
        var missing = new List<string>();
        foreach (var (id, serving, standby) in await LiveAsync(heartbeat, cancellationToken))
            (serving == version || standby == version ? ready : missing).Add(id);
        return (ready, missing);
    }
}
