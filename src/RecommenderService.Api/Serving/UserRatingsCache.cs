using System.Collections.Concurrent;
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

    // One string per item id across every cached user: the reader returns a new string per row, and with
    // 100k users of ~70 ratings each the copies were millions of long-lived objects for the GC to trace.
    private readonly ConcurrentDictionary<string, string> _itemIds = new(StringComparer.Ordinal);

    // Bumped by every invalidation. A load that overlapped one may have read the old rows, so it is
    // served but not cached (a cheap, global guard against caching a stale read forever).
    private long _generation;

    public UserRatingsCache(NpgsqlDataSource database, IOptions<ServingOptions> options, CacheMetrics metrics)
    {
        _database = database;
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
        _itemIds.Clear(); // items deleted since are not kept alive by the table
    }

    private async Task<UserRatings> LoadAsync(string userId, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT u.ratings_changed_at, i.external_id, r.value
            FROM users u
            LEFT JOIN ratings r ON r.user_id = u.id
            LEFT JOIN items i ON i.id = r.item_id
            WHERE u.external_id = $1
            """;
        await using var command = _database.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = userId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);

        var exists = false;
        DateTimeOffset? changedAt = null;
        var items = new List<string>();
        var values = new List<float>();
        while (await reader.ReadAsync(cancellationToken))
        {
            exists = true;
            changedAt = reader.IsDBNull(0) ? null : reader.GetFieldValue<DateTimeOffset>(0);
            if (reader.IsDBNull(1)) continue; // a user row without ratings
            var itemId = reader.GetString(1);
            items.Add(_itemIds.GetOrAdd(itemId, itemId));
            values.Add(reader.GetFloat(2));
        }
        return exists ? new UserRatings(userId, changedAt, items.ToArray(), values.ToArray()) : UserRatings.Unknown(userId);
    }

    public void Dispose() => _cache.Dispose();
}
