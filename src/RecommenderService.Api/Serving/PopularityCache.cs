using System.Diagnostics;
using Microsoft.Extensions.Options;
using Npgsql;
using RecommenderService.Api.Observability;

namespace RecommenderService.Api.Serving;

/// <summary>
/// Keeps the popularity list in memory and recomputes it in the background every
/// <see cref="PopularityOptions.RefreshSeconds"/>, so no request ever scans the ratings table.
/// </summary>
public sealed class PopularityCache(
    NpgsqlDataSource database,
    IOptions<PopularityOptions> options,
    ServingMetrics metrics,
    ILogger<PopularityCache> logger) : BackgroundService
{
    private readonly SemaphoreSlim _firstLoad = new(1, 1);
    private PopularitySnapshot? _snapshot;

    public double PriorCount => options.Value.PriorCount;

    /// <summary>The current list; the very first call computes it.</summary>
    public async ValueTask<PopularitySnapshot> GetAsync(CancellationToken cancellationToken)
    {
        var snapshot = Volatile.Read(ref _snapshot);
        if (snapshot is not null) return snapshot;
        await _firstLoad.WaitAsync(cancellationToken);
        try
        {
            return Volatile.Read(ref _snapshot) ?? await RefreshAsync(cancellationToken);
        }
        finally
        {
            _firstLoad.Release();
        }
    }

    /// <summary>Recomputes the list now (also used after bulk imports).</summary>
    public async Task<PopularitySnapshot> RefreshAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var window = options.Value.WindowDays;
        var sql = $"""
            SELECT i.external_id, i.title, count(*)::int, sum(r.value)::float8
            FROM ratings r JOIN items i ON i.id = r.item_id
            {(window > 0 ? "WHERE r.rated_at >= now() - make_interval(days => $1)" : "")}
            GROUP BY i.id
            """;
        await using var command = database.CreateCommand(sql);
        if (window > 0) command.Parameters.Add(new NpgsqlParameter { Value = window });

        var ids = new List<string>();
        var titles = new List<string?>();
        var counts = new List<int>();
        var sums = new List<double>();
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
                total += n;
                sum += s;
            }
        }
        var snapshot = PopularitySnapshot.Create(ids.ToArray(), titles.ToArray(), counts.ToArray(), sums.ToArray(),
            total == 0 ? 0 : sum / total, options.Value.PriorCount);
        Volatile.Write(ref _snapshot, snapshot);
        metrics.PopularityRefreshed(watch.Elapsed);
        logger.LogDebug("Popularity recomputed over {Items} items and {Ratings} ratings in {Milliseconds} ms", ids.Count, total, watch.ElapsedMilliseconds);
        return snapshot;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.RefreshSeconds));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
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
