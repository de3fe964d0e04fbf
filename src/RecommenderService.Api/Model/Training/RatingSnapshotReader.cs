using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using RecommenderService.Engine;

namespace RecommenderService.Api.Model.Training;

/// <summary>All ratings at one instant, as the engine's arrays, and the instant they are complete up to.</summary>
/// <param name="Ratings">Every rating, users and items as dense indices over their external ids.</param>
/// <param name="DataCutoff">Every write that started before this instant is in <paramref name="Ratings"/>.</param>
/// <param name="ReadSeconds">Time taken to read.</param>
/// <param name="WrittenBefore">
/// Per rating (same order as <paramref name="Ratings"/>): whether it was last written before the instant asked
/// for — the active model's data cut-off, so the gate knows which ratings that model trained on. Null when no
/// instant was asked for.
/// </param>
public sealed record RatingSnapshot(RatingSet Ratings, DateTimeOffset DataCutoff, double ReadSeconds, bool[]? WrittenBefore = null);

/// <summary>
/// Streams the ratings out of PostgreSQL with binary COPY straight into struct-of-arrays form: no EF, no
/// object per rating. One repeatable-read transaction, so the three tables are read at one instant.
/// </summary>
public sealed class RatingSnapshotReader(NpgsqlDataSource database)
{
    /// <summary>Reads every rating; with <paramref name="writtenBefore"/>, also which were last written before it.</summary>
    public async Task<RatingSnapshot> ReadAsync(DateTimeOffset? writtenBefore, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);

        // A write still in flight when the snapshot is taken is invisible to it even if its timestamps are
        // older, so the cut-off is the start of the oldest transaction running now (ours included): a user
        // whose ratings changed at or after it is folded in rather than trusted to the model.
        DateTimeOffset cutoff;
        await using (var command = new NpgsqlCommand("""
            SELECT least(now(), coalesce((SELECT min(xact_start) FROM pg_stat_activity
                                          WHERE datname = current_database() AND xact_start IS NOT NULL), now()))
            """, connection, transaction))
            cutoff = new DateTimeOffset(DateTime.SpecifyKind((DateTime)(await command.ExecuteScalarAsync(cancellationToken))!, DateTimeKind.Utc));

        var userIds = await ReadIdsAsync(connection, "users", cancellationToken);
        var itemIds = await ReadIdsAsync(connection, "items", cancellationToken);

        var users = new IdMap();
        var items = new IdMap();
        var userIndex = NewIndex(userIds.Length);
        var itemIndex = NewIndex(itemIds.Length);
        // The count at this snapshot is the count the copy below returns: the arrays are made once, at their final size,
        // and become the rating set as they are (growing them by doubling held up to 2.3 times the ratings at 25M).
        int count;
        await using (var command = new NpgsqlCommand("SELECT count(*) FROM ratings", connection, transaction))
            count = checked((int)(long)(await command.ExecuteScalarAsync(cancellationToken))!);
        var builder = new RatingSetBuilder(count, users, items);
        // Synchronous reads: this runs on a job thread, and per-column awaits would cost more than the copy.
        // COPY takes no parameters; the instant is written as a UTC literal with microseconds, which is exact.
        var before = writtenBefore is { } instant
            ? $"updated_at < '{instant.UtcDateTime:yyyy-MM-dd HH:mm:ss.ffffff}+00'::timestamptz"
            : "false";
        var written = writtenBefore is null ? null : new bool[count];
        using (var reader = connection.BeginBinaryExport(
            $"COPY (SELECT user_id, item_id, value, extract(epoch FROM rated_at)::bigint, {before} FROM ratings) TO STDOUT (FORMAT BINARY)"))
        {
            var rows = 0;
            while (reader.StartRow() != -1)
            {
                if ((++rows & 0xFFFF) == 0) cancellationToken.ThrowIfCancellationRequested();
                var user = reader.Read<int>(NpgsqlDbType.Integer);
                var item = reader.Read<int>(NpgsqlDbType.Integer);
                var value = reader.Read<float>(NpgsqlDbType.Real);
                var time = reader.Read<long>(NpgsqlDbType.Bigint);
                var old = reader.Read<bool>(NpgsqlDbType.Boolean);
                if (written is not null && builder.Count < written.Length) written[builder.Count] = old;
                ref var u = ref userIndex[user];
                if (u < 0) u = users.GetOrAdd(userIds[user]!);
                ref var i = ref itemIndex[item];
                if (i < 0) i = items.GetOrAdd(itemIds[item]!);
                builder.Add(u, i, value, time);
            }
        }
        await transaction.CommitAsync(cancellationToken);
        if (builder.Count != count)
            throw new InvalidOperationException($"The rating snapshot counted {count} ratings but copied {builder.Count}.");
        return new RatingSnapshot(builder.Build(), cutoff, watch.Elapsed.TotalSeconds, written);
    }

    /// <summary>External ids by surrogate key (identity columns are dense enough for a flat array).</summary>
    private static async Task<string?[]> ReadIdsAsync(NpgsqlConnection connection, string table, CancellationToken cancellationToken)
    {
        await using var max = new NpgsqlCommand($"SELECT coalesce(max(id), 0) FROM {table}", connection);
        var ids = new string?[(int)(await max.ExecuteScalarAsync(cancellationToken))! + 1];
        await using var reader = await connection.BeginBinaryExportAsync($"COPY {table} (id, external_id) TO STDOUT (FORMAT BINARY)", cancellationToken);
        while (await reader.StartRowAsync(cancellationToken) != -1)
        {
            var id = await reader.ReadAsync<int>(NpgsqlDbType.Integer, cancellationToken);
            var external = await reader.ReadAsync<string>(NpgsqlDbType.Text, cancellationToken);
            if (id < ids.Length) ids[id] = external; // a row inserted after max() was read is not in our snapshot anyway
        }
        return ids;
    }

    private static int[] NewIndex(int length)
    {
        var index = new int[length];
        Array.Fill(index, -1);
        return index;
    }
}
