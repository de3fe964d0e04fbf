using System.Diagnostics;
using System.Threading.Channels;

using Microsoft.Extensions.Options;

using Npgsql;

using RecommenderService.Api.Items.Erasure;
using RecommenderService.Api.Notifications;
using RecommenderService.Engine;

namespace RecommenderService.Api.Items.PopularItems;

/// <summary>
/// Keeps the popularity list in memory, so no request ever aggregates ratings. The list is computed from
/// the per-item statistics that the rating triggers keep (<see cref="ItemStatsCompactor"/>), a table of
/// one row per item (per item and day for <see cref="PopularityOptions.WindowDays"/>), not from the ratings,
/// so a refresh costs the same however many ratings there are. It is recomputed when any replica's write
/// announces a change (<see cref="NotificationChannels.ItemStatsChanged"/>), after <see cref="PopularityOptions.DebounceMilliseconds"/>
/// so a burst of writes costs one refresh, and every <see cref="PopularityOptions.RefreshSeconds"/> as a
/// safety net (a missed notice, and the window moving on at midnight UTC).
/// </summary>
public sealed class PopularityCache(
    NpgsqlDataSource database,
    ItemStatsCompactor compactor,
    LikedCountThreshold likedCounts,
    IOptions<PopularityOptions> options,
    PopularityMetrics metrics,
    ErasedItems erased,
    ILogger<PopularityCache> logger) : BackgroundService
{
    // Per item with a rating: totals plus the changes not folded in yet (an item whose ratings are all gone has a count
    // of 0 and is skipped), then from the per-day figures (days within the last 366 only): the damped mean's window
    // ($1 days back; unused when all time), the recent window ($2 days back) and the trending sum, each day's ratings
    // worth 2^(-age in days / $3) up to 365 days back. Windows count whole UTC days of rated_at.
    private const string CountsSql = """
        WITH today AS (SELECT (now() AT TIME ZONE 'UTC')::date AS d)
        SELECT i.external_id, i.title, a.n, a.s, a.l,
               coalesce(w.wn, 0), coalesce(w.ws, 0), coalesce(w.rn, 0), coalesce(w.tr, 0)
        FROM (SELECT item_id, sum(rating_count)::int AS n, sum(rating_sum) AS s, sum(liked_count)::int AS l
              FROM (SELECT item_id, rating_count, rating_sum, liked_count FROM item_stats
                    UNION ALL SELECT item_id, rating_count, rating_sum, liked_count FROM item_stat_changes) x
              GROUP BY item_id HAVING sum(rating_count) > 0) a
        LEFT JOIN (SELECT item_id,
                          (sum(rating_count) FILTER (WHERE day >= (SELECT d FROM today) - $1))::int AS wn,
                          sum(rating_sum) FILTER (WHERE day >= (SELECT d FROM today) - $1) AS ws,
                          (sum(rating_count) FILTER (WHERE day >= (SELECT d FROM today) - $2))::int AS rn,
                          sum(rating_count * power(2::float8, -greatest((SELECT d FROM today) - day, 0) / $3::float8)) AS tr
                   FROM (SELECT item_id, day, rating_count, rating_sum FROM item_daily_stats
                         WHERE day >= (SELECT d FROM today) - 365
                         UNION ALL SELECT item_id, day, rating_count, rating_sum FROM item_stat_changes
                         WHERE day >= (SELECT d FROM today) - 365) y
                   GROUP BY item_id) w ON w.item_id = a.item_id
        JOIN items i ON i.id = a.item_id
        """;

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private readonly Channel<bool> _requests = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private PopularitySnapshot? _snapshot;

    public double PriorCount => options.Value.PriorCount;

    /// <summary>The current list; the very first call computes it.</summary>
    public async ValueTask<PopularitySnapshot> GetAsync(CancellationToken cancellationToken)
    {
        var snapshot = Volatile.Read(ref _snapshot);
        if (snapshot is not null) return snapshot;
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            return Volatile.Read(ref _snapshot) ?? await ComputeAsync(cancellationToken);
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>Asks for a recomputation soon (cheap; called from the notification thread).</summary>
    public void RequestRefresh() => _requests.Writer.TryWrite(true);

    /// <summary>Recomputes the list now and returns it (also used right after an import, so the importing replica serves it at once).</summary>
    public async Task<PopularitySnapshot> RefreshAsync(CancellationToken cancellationToken)
    {
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            return await ComputeAsync(cancellationToken);
        }
        finally
        {
            _refresh.Release();
        }
    }

    private async Task<PopularitySnapshot> ComputeAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var heard = erased.Heard;
        try
        {
            await likedCounts.EnsureAsync(cancellationToken);
        }
        catch (NpgsqlException ex)
        {
            // Tried again on the next refresh; meanwhile liked counts may be by the previous threshold (or none).
            logger.LogWarning("Setting the liked threshold of item stats failed: {Error}", ex.Message);
        }
        try
        {
            await compactor.CompactAsync(cancellationToken);
        }
        catch (NpgsqlException ex)
        {
            // Not needed for a correct list (it reads the pending changes too); the next refresh folds them.
            logger.LogWarning("Folding item stat changes failed: {Error}", ex.Message);
        }

        var settings = options.Value;
        var window = settings.WindowDays;
        await using var command = database.CreateCommand(CountsSql);
        command.Parameters.Add(new NpgsqlParameter { Value = window });
        command.Parameters.Add(new NpgsqlParameter { Value = settings.RecentDays });
        command.Parameters.Add(new NpgsqlParameter { Value = settings.HalfLifeDays });

        var ids = new List<string>();
        var titles = new List<string?>();
        List<int> counts = [], liked = [], windowCounts = [], recent = [];
        List<double> sums = [], windowSums = [], trending = [];
        long total = 0;
        double sum = 0;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetString(0));
                titles.Add(reader.IsDBNull(1) ? null : reader.GetString(1));
                var n = reader.GetInt32(2);
                var s = reader.GetDouble(3);
                counts.Add(n);
                sums.Add(s);
                liked.Add(reader.GetInt32(4));
                // All time, the damped mean counts what the totals count.
                var (wn, ws) = window > 0 ? (reader.GetInt32(5), reader.GetDouble(6)) : (n, s);
                windowCounts.Add(wn);
                windowSums.Add(ws);
                recent.Add(reader.GetInt32(7));
                trending.Add(reader.GetDouble(8));
                total += wn;
                sum += ws;
            }
        }
        var figures = new PopularityCounts(counts.ToArray(), liked.ToArray(), windowCounts.ToArray(), windowSums.ToArray(),
            total == 0 ? 0 : sum / total, recent.ToArray(), trending.ToArray())
        {
            AllTimeSums = sums.ToArray(),
        };
        // Lists count only items rated by enough users: one user's ratings must not enter them or move their prior.
        var snapshot = PopularitySnapshot.Create(ids.ToArray(), titles.ToArray(), figures, settings.PriorCount, settings.MinimumRaters, heard);
        Volatile.Write(ref _snapshot, snapshot);
        metrics.Refreshed(watch.Elapsed);
        logger.LogDebug("Popularity recomputed over {Items} items and {Ratings} ratings in {Milliseconds} ms", ids.Count, counts.Sum(), watch.ElapsedMilliseconds);
        return snapshot;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var safetyNet = TimeSpan.FromSeconds(options.Value.RefreshSeconds);
        var debounce = TimeSpan.FromMilliseconds(options.Value.DebounceMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(safetyNet);
            try
            {
                await _requests.Reader.ReadAsync(timeout.Token);
                // Let the rest of a burst arrive; whatever comes during the refresh asks for the next one.
                if (debounce > TimeSpan.Zero) await Task.Delay(debounce, stoppingToken);
                _requests.Reader.TryRead(out _);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The safety-net interval passed without a notice: recompute anyway.
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                metrics.RefreshFailed();
                // The last list keeps serving; a database outage must not stop cold-start answers.
                logger.LogWarning("Popularity refresh failed, serving the previous list: {Error}", ex.Message);
            }
        }
    }
}
