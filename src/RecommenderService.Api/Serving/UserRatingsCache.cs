using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Npgsql;
using RecommenderService.Api.Observability;

namespace RecommenderService.Api.Serving;

/// <summary>
/// Each replica's memory of users' current ratings, so a recommendation needs no database round trip
/// after a user's first request. Entries are dropped when the user's ratings change anywhere (the
/// <c>rating_changes</c> NOTIFY reaches every replica) and when this replica writes them itself.
/// </summary>
public sealed class UserRatingsCache : IDisposable
{
    private readonly NpgsqlDataSource _database;
    private readonly MemoryCache _cache;
    private readonly MemoryCacheEntryOptions _entryOptions = new() { Size = 1 };
    private readonly CacheMetrics _metrics;

    // Bumped by every invalidation. A load that overlapped one may have read the old rows, so it is
    // served but not cached (a cheap, global guard against caching a stale read forever).
    private long _generation;

    private readonly ItemExternalIds _items;

    public UserRatingsCache(NpgsqlDataSource database, ItemExternalIds items, IOptions<ServingOptions> options, CacheMetrics metrics)
    {
        _database = database;
        _items = items;
        _metrics = metrics;
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = Math.Max(1, options.Value.UserCacheSize) });
        Enabled = options.Value.UserCacheSize > 0;
        _entryOptions.RegisterPostEvictionCallback((_, _, reason, _) => _metrics.UserCacheEvicted(reason));
        metrics.TrackUserCacheSize(() => _cache.Count);
    }

    private bool Enabled { get; }

    public async ValueTask<UserRatings> GetAsync(string userId, CancellationToken cancellationToken)
    {
        if (Enabled && _cache.TryGetValue(userId, out UserRatings? cached))
        {
            _metrics.UserCacheHit();
            return cached!;
        }
        _metrics.UserCacheMiss();

        var generation = Interlocked.Read(ref _generation);
        var loaded = await LoadAsync(userId, cancellationToken);
        if (Enabled && Interlocked.Read(ref _generation) == generation)
            _cache.Set(userId, loaded, _entryOptions);
        return loaded;
    }

    /// <summary>Whether this replica holds <paramref name="userId"/>'s ratings in memory (diagnostics and tests).</summary>
    public bool IsCached(string userId) => _cache.TryGetValue(userId, out _);

    /// <summary>Forgets one user (their ratings changed or they were deleted).</summary>
    public void Invalidate(string userId)
    {
        Interlocked.Increment(ref _generation);
        _cache.Remove(userId);
    }

    /// <summary>Forgets everyone (a bulk import, or notifications may have been missed).</summary>
    public void Clear()
    {
        Interlocked.Increment(ref _generation);
        _cache.Clear();
    }

    private async Task<UserRatings> LoadAsync(string userId, CancellationToken cancellationToken)
    {
        // Item ids come back as surrogate keys and are mapped in memory (ItemExternalIds): joining items here made
        // one index probe per rating, most of the read's cost. Every cached user shares the items' id strings.
        const string sql = """
            SELECT u.ratings_changed_at, r.item_id, r.value
            FROM users u
            LEFT JOIN ratings r ON r.user_id = u.id
            WHERE u.external_id = $1
            """;
        var exists = false;
        DateTimeOffset? changedAt = null;
        var items = new List<int>();
        var values = new List<float>();
        await using (var command = _database.CreateCommand(sql))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = userId });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                exists = true;
                changedAt = reader.IsDBNull(0) ? null : reader.GetFieldValue<DateTimeOffset>(0);
                if (reader.IsDBNull(1)) continue; // a user row without ratings
                items.Add(reader.GetInt32(1));
                values.Add(reader.GetFloat(2));
            }
        }
        if (!exists) return UserRatings.Unknown(userId);
        return new UserRatings(userId, changedAt, await _items.ResolveAsync(items, cancellationToken), values.ToArray());
    }

    public void Dispose() => _cache.Dispose();
}
