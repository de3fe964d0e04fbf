using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;
using RecommenderService.Api.Notifications;
using RecommenderService.Api.Recommendations;

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
    IOptions<PopularityOptions> options,
    ServingMetrics metrics,
    ILogger<PopularityCache> logger) : BackgroundService
{
    // Totals plus the changes not folded in yet; an item whose ratings are all gone has a count of 0 and is skipped.
    private const string AllTimeSql = """
        SELECT i.external_id, i.title, s.n, s.s
        FROM (SELECT item_id, sum(rating_count)::int AS n, sum(rating_sum) AS s
              FROM (SELECT item_id, rating_count, rating_sum FROM item_stats
                    UNION ALL SELECT item_id, rating_count, rating_sum FROM item_stat_changes) x
              GROUP BY item_id HAVING sum(rating_count) > 0) s
        JOIN items i ON i.id = s.item_id
        """;

    // The window counts whole UTC days of rated_at: today and the WindowDays days before it.
    private const string WindowSql = """
        SELECT i.external_id, i.title, s.n, s.s
        FROM (SELECT item_id, sum(rating_count)::int AS n, sum(rating_sum) AS s
              FROM (SELECT item_id, rating_count, rating_sum FROM item_daily_stats
                    WHERE day >= (now() AT TIME ZONE 'UTC')::date - $1
                    UNION ALL SELECT item_id, rating_count, rating_sum FROM item_stat_changes
                    WHERE day >= (now() AT TIME ZONE 'UTC')::date - $1) x
              GROUP BY item_id HAVING sum(rating_count) > 0) s
        JOIN items i ON i.id = s.item_id
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
        try
        {
            await compactor.CompactAsync(cancellationToken);
        }
        catch (NpgsqlException ex)
        {
            // Not needed for a correct list (it reads the pending changes too); the next refresh folds them.
            logger.LogWarning("Folding item stat changes failed: {Error}", ex.Message);
        }

        var window = options.Value.WindowDays;
        await using var command = database.CreateCommand(window > 0 ? WindowSql : AllTimeSql);
        if (window > 0) command.Parameters.Add(new NpgsqlParameter { Value = window });

        var ids = new List<string>();
        var titles = new List<string?>();
        var counts = new List<int>();
        var sums = new List<double>();
        // μ only from items a listed item could be: one user's one-rating items must not move the prior.
        var minimumRaters = options.Value.MinimumRaters;
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
                if (n < minimumRaters) continue;
                total += n;
                sum += s;
            }
        }
        var snapshot = PopularitySnapshot.Create(ids.ToArray(), titles.ToArray(), counts.ToArray(), sums.ToArray(),
            total == 0 ? 0 : sum / total, options.Value.PriorCount, minimumRaters);
        Volatile.Write(ref _snapshot, snapshot);
        metrics.PopularityRefreshed(watch.Elapsed);
        logger.LogDebug("Popularity recomputed over {Items} items and {Ratings} ratings in {Milliseconds} ms", ids.Count, total, watch.ElapsedMilliseconds);
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
                metrics.PopularityRefreshFailed();
                // The last list keeps serving; a database outage must not stop cold-start answers.
                logger.LogWarning("Popularity refresh failed, serving the previous list: {Error}", ex.Message);
            }
        }
    }
}
