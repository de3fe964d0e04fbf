using Npgsql;

namespace RecommenderService.Api.Items.PopularItems;

/// <summary>
/// Folds the pending per-item rating changes (<c>item_stat_changes</c>, appended by the triggers on every
/// rating write) into the running figures (<c>item_stats</c> all-time, <c>item_daily_stats</c> per UTC
/// day for ratings dated within the last 366 days, the longest window) and deletes them, in one transaction, so a reader sees either the changes or their sum, never both
/// or neither. Owner of <c>item_stats</c> and <c>item_daily_stats</c>: nothing else writes them.
/// </summary>
/// <remarks>
/// Called before every popularity refresh, by every replica; one at a time across replicas (a transaction
/// advisory lock that the others do not wait for), so the work is done once, and it is proportional to
/// the changes since the last compaction, not to the number of ratings. Rows whose count drops to zero
/// stay (readers skip them): they are bounded by items × days like the rest of the table.
/// </remarks>
public sealed class ItemStatsCompactor(NpgsqlDataSource database, ILogger<ItemStatsCompactor> logger)
{
    /// <summary>
    /// An arbitrary constant, the same in every replica: "item stats compaction" (5292966982293152116; the
    /// TRUNCATE trigger on ratings, migration FreshStatsAndErasure, takes it too).
    /// </summary>
    internal const long LockKey = 0x4974_656D_5374_6174;

    // Daily rows in (day, item) order and totals in item order: the compactor is their only writer and the
    // lock makes it one at a time, but a fixed order costs nothing.
    private const string CompactSql = """
        WITH moved AS (
            DELETE FROM item_stat_changes RETURNING item_id, day, rating_count, rating_sum),
        daily AS (
            SELECT day, item_id, sum(rating_count) AS n, sum(rating_sum) AS s FROM moved GROUP BY day, item_id),
        into_days AS (
            INSERT INTO item_daily_stats (day, item_id, rating_count, rating_sum)
            SELECT day, item_id, n, s FROM daily WHERE day IS NOT NULL ORDER BY day, item_id
            ON CONFLICT (day, item_id) DO UPDATE
                SET rating_count = item_daily_stats.rating_count + excluded.rating_count,
                    rating_sum = item_daily_stats.rating_sum + excluded.rating_sum),
        into_totals AS (
            INSERT INTO item_stats (item_id, rating_count, rating_sum)
            SELECT item_id, sum(n), sum(s) FROM daily GROUP BY item_id ORDER BY item_id
            ON CONFLICT (item_id) DO UPDATE
                SET rating_count = item_stats.rating_count + excluded.rating_count,
                    rating_sum = item_stats.rating_sum + excluded.rating_sum)
        SELECT count(*) FROM moved
        """;

    // Days that have left the longest window (see the trigger's item_stat_day) are never read again.
    private const string PruneSql = """
        DELETE FROM item_daily_stats WHERE day < (now() AT TIME ZONE 'UTC')::date - 366
        """;

    /// <summary>Folds what is pending; returns how many change rows it folded (0 also when another replica is at it).</summary>
    public async Task<long> CompactAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var take = new NpgsqlCommand($"SELECT pg_try_advisory_xact_lock({LockKey})", connection, transaction))
        {
            if (!(bool)(await take.ExecuteScalarAsync(cancellationToken))!) return 0;
        }
        long moved;
        await using (var compact = new NpgsqlCommand(CompactSql, connection, transaction))
            moved = (long)(await compact.ExecuteScalarAsync(cancellationToken))!;
        await using (var prune = new NpgsqlCommand(PruneSql, connection, transaction))
            await prune.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (moved > 0) logger.LogDebug("Folded {Changes} item stat changes", moved);
        return moved;
    }
}
