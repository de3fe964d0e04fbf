using Npgsql;

namespace RecommenderService.Api.Items.PopularItems;

/// <summary>
/// Keeps the liked counts of the per-item statistics (<c>liked_count</c>, which the rating triggers keep by the threshold
/// in <c>item_stats_settings</c>) on the service's liked threshold (<see cref="ILikedThreshold"/>):
/// the first time, and whenever it changed, it stores the threshold and recounts every liked figure from the ratings.
/// </summary>
/// <remarks>
/// The recount holds a SHARE lock on <c>ratings</c>, so it waits for the writes in flight (whose triggers read the old
/// threshold) and holds new ones back until it commits (theirs then read the new one): no rating is counted by the wrong
/// threshold. It also takes the compaction lock, so no fold runs in between. A recount costs one pass over the ratings,
/// and happens only when an operator changes the threshold.
/// </remarks>
public sealed class LikedCountThreshold(
    NpgsqlDataSource database, ILikedThreshold liked, ILogger<LikedCountThreshold> logger)
{
    // After the pending changes are folded (so every figure is in item_stats and item_daily_stats), each liked figure
    // is recounted from the ratings.
    private static readonly string[] RecountSql =
    [
        """
        INSERT INTO item_stats_settings (id, liked_threshold) VALUES (1, $1)
            ON CONFLICT (id) DO UPDATE SET liked_threshold = excluded.liked_threshold
        """,
        """
        UPDATE item_stats s SET liked_count = coalesce(x.n, 0)
            FROM item_stats t LEFT JOIN (SELECT item_id, count(*) AS n FROM ratings WHERE value >= $1 GROUP BY item_id) x
                ON x.item_id = t.item_id
            WHERE s.item_id = t.item_id AND s.liked_count IS DISTINCT FROM coalesce(x.n, 0)
        """,
        """
        UPDATE item_daily_stats d SET liked_count = coalesce(x.n, 0)
            FROM item_daily_stats t LEFT JOIN (SELECT item_stat_day(rated_at) AS day, item_id, count(*) AS n FROM ratings
                                              WHERE value >= $1 GROUP BY 1, 2) x
                ON x.day = t.day AND x.item_id = t.item_id
            WHERE d.day = t.day AND d.item_id = t.item_id AND d.liked_count IS DISTINCT FROM coalesce(x.n, 0)
        """,
    ];

    private volatile bool _current;

    /// <summary>The threshold the liked counts are kept by: what <c>value &gt;= threshold</c> compares in SQL.</summary>
    public double Threshold => liked.Value;

    /// <summary>Makes sure the stored threshold is the configured one (once per process; cheap when it is).</summary>
    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (_current) return;
        var threshold = (double)(float)Threshold;
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using (var check = new NpgsqlCommand("SELECT liked_threshold FROM item_stats_settings WHERE id = 1", connection))
        {
            if (await check.ExecuteScalarAsync(cancellationToken) is double stored && stored == threshold)
            {
                _current = true;
                return;
            }
        }
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var take = new NpgsqlCommand($"LOCK TABLE ratings IN SHARE MODE; SELECT pg_advisory_xact_lock({ItemStatsCompactor.LockKey})",
            connection, transaction))
            await take.ExecuteNonQueryAsync(cancellationToken);
        await using (var fold = new NpgsqlCommand(ItemStatsCompactor.CompactSql, connection, transaction))
            await fold.ExecuteScalarAsync(cancellationToken);
        foreach (var sql in RecountSql)
        {
            await using var recount = new NpgsqlCommand(sql, connection, transaction);
            recount.Parameters.Add(new NpgsqlParameter { Value = threshold });
            await recount.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        _current = true;
        logger.LogInformation("Liked counts recounted for liked threshold {LikedThreshold}", threshold);
    }
}
