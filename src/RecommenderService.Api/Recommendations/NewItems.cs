using Microsoft.Extensions.Options;
using Npgsql;
using RecommenderService.Api.Items.PopularItems;
using RecommenderService.Api.Model.Loading;

namespace RecommenderService.Api.Recommendations;

/// <summary>
/// The served model's new items for exploration (<see cref="ExplorationSettings"/>): items the service first saw at
/// most <c>MaxAgeDays</c> ago with at most <c>MaxRatings</c> ratings (counted as the popular list counts them), including
/// items served from their attributes alone; the newest <c>MaxCandidates</c> of them. Recomputed when the model, its attribute-only items or the popularity
/// snapshot change, and at most once a minute for items ageing in.
/// </summary>
public sealed class NewItems(NpgsqlDataSource database, PopularityCache popularity, IOptions<ExplorationSettings> settings,
    TimeProvider clock, ILogger<NewItems> logger)
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMinutes(1);
    private Cached? _cached;

    private sealed record Cached(int Version, long ColdStamp, PopularitySnapshot Snapshot, DateTimeOffset At, int[] Items);

    /// <summary>Model indices of the new items of <paramref name="serving"/>.</summary>
    public async ValueTask<int[]> ForAsync(ServingModel serving, CancellationToken cancellationToken)
    {
        var snapshot = await popularity.GetAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var cached = Volatile.Read(ref _cached);
        if (cached is not null && cached.Version == serving.Version && cached.ColdStamp == serving.ColdStamp
            && ReferenceEquals(cached.Snapshot, snapshot) && now - cached.At < Refresh)
            return cached.Items;

        var options = settings.Value;
        var counts = new Dictionary<string, int>(snapshot.ItemIds.Length, StringComparer.Ordinal);
        for (var i = 0; i < snapshot.ItemIds.Length; i++) counts[snapshot.ItemIds[i]] = snapshot.Counts.Counts[i];
        var items = new List<int>();
        try
        {
            await using var command = database.CreateCommand("SELECT external_id FROM items WHERE created_at >= $1 ORDER BY created_at DESC, id DESC");
            command.Parameters.Add(new NpgsqlParameter { Value = now.AddDays(-options.MaxAgeDays) });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (items.Count < options.MaxCandidates && await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetString(0);
                if (counts.GetValueOrDefault(id) <= options.MaxRatings && serving.Model.Items.TryGetIndex(id, out var index)) items.Add(index);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            // Exploration is a bonus: during a database outage the list is served with the last new items known for
            // this model, or with none, rather than not at all.
            logger.LogWarning("New items unavailable for exploration: {Error}", ex.Message);
            return cached is not null && cached.Version == serving.Version && cached.ColdStamp == serving.ColdStamp ? cached.Items : [];
        }
        var result = items.ToArray();
        Array.Sort(result);
        Volatile.Write(ref _cached, new Cached(serving.Version, serving.ColdStamp, snapshot, now, result));
        return result;
    }
}
