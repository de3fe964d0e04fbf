using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

using Npgsql;

using RecommenderService.Api.Items;
using RecommenderService.Api.Items.Erasure;
using RecommenderService.Api.Observability;
using RecommenderService.Engine;

namespace RecommenderService.Api.Users;

/// <summary>
/// Each replica's memory of users' current ratings, so a recommendation needs no database round trip
/// after a user's first request. Entries are dropped when the user's ratings change anywhere (the
/// <c>rating_changes</c> NOTIFY reaches every replica) and when this replica writes them itself.
/// </summary>
public sealed class UserRatingsCache : IErasedRatingsListener, IDisposable
{
    private readonly NpgsqlDataSource _database;
    private readonly MemoryCache _cache;
    private readonly MemoryCacheEntryOptions _entryOptions = new() { Size = 1 };
    private readonly CacheMetrics _metrics;

    // Bumped by every invalidation. A load that overlapped one may have read the old rows, so it is
    // served but not cached (a cheap, global guard against caching a stale read forever).
    private long _generation;

    private readonly ItemExternalIds _items;

    public UserRatingsCache(NpgsqlDataSource database, ItemExternalIds items, IOptions<UserCacheOptions> options, CacheMetrics metrics)
    {
        _database = database;
        _items = items;
        _metrics = metrics;
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = Math.Max(1, options.Value.UserCacheSize) });
        Enabled = options.Value.UserCacheSize > 0;
        _sizeLimit = Math.Max(1, options.Value.UserCacheSize);
        _warmOnLoad = options.Value.WarmUserCache;
        _entryOptions.RegisterPostEvictionCallback((_, _, reason, _) => _metrics.UserCacheEvicted(reason));
        metrics.TrackUserCacheSize(() => _cache.Count);
    }

    private bool Enabled { get; }
    private readonly int _sizeLimit;
    private readonly bool _warmOnLoad;

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
        lock (_warmLock) _invalidatedWhileWarming?.Add(userId);
        _cache.Remove(userId);
    }

    void IErasedRatingsListener.RatingsErased(string userId) => Invalidate(userId);

    /// <summary>Forgets everyone (a bulk import, or notifications may have been missed).</summary>
    public void Clear()
    {
        Interlocked.Increment(ref _generation);
        lock (_warmLock)
        {
            _warm = false;
            if (_invalidatedWhileWarming is not null) _clearedWhileWarming = true;
        }
        _cache.Clear();
    }

    // Warming state: while a bulk read runs, invalidations are remembered, because the read may have taken a user's rows
    // before the change that invalidated them and cache them after it; those users are dropped when it ends.
    private readonly Lock _warmLock = new();
    private HashSet<string>? _invalidatedWhileWarming;
    private bool _clearedWhileWarming;
    private bool _warm;

    /// <summary>
    /// Reads every user's ratings in one pass and caches them (up to <see cref="UserCacheOptions.UserCacheSize"/> users), so a
    /// user's first list needs no database read: at 120,000 users that read was most of a fresh list's cost. Runs once
    /// until the next <see cref="Clear"/> (a bulk import); a second call while one runs returns at once. Returns the
    /// users cached. A change during the read is never cached stale: users invalidated meanwhile are dropped at the end,
    /// everyone if the cache was cleared meanwhile.
    /// </summary>
    public async Task<int> WarmAsync(CancellationToken cancellationToken)
    {
        if (!Enabled || !_warmOnLoad) return 0;
        lock (_warmLock)
        {
            if (_warm || _invalidatedWhileWarming is not null) return 0;
            _invalidatedWhileWarming = new HashSet<string>(StringComparer.Ordinal);
            _clearedWhileWarming = false;
        }
        var cached = 0;
        var completed = false;
        try
        {
            // Users first (a few per cent of the rows), then every rating in the primary key's order, so one user's rows
            // arrive together and each user is cached as soon as their last row is read.
            var users = new Dictionary<int, (string Id, DateTimeOffset? ChangedAt)>();
            var profiles = new Dictionary<int, ProfileTokens>();
            await using (var command = _database.CreateCommand("SELECT user_id, attributes::text FROM user_profiles"))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
                while (await reader.ReadAsync(cancellationToken))
                    profiles[reader.GetInt32(0)] = UserAttributeTokens.FromJson(reader.GetString(1));
            await using (var command = _database.CreateCommand("SELECT id, external_id, ratings_changed_at FROM users"))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
                while (await reader.ReadAsync(cancellationToken))
                    users[reader.GetInt32(0)] = (reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2));

            var limit = _sizeLimit;
            var user = -1;
            var items = new List<int>();
            var values = new List<float>();
            async ValueTask FlushAsync()
            {
                if (user < 0 || !users.TryGetValue(user, out var row)) return;
                var ids = await _items.ResolveAsync(items, cancellationToken);
                _cache.Set(row.Id, new UserRatings(row.Id, row.ChangedAt, ids, values.ToArray(), profiles.GetValueOrDefault(user, ProfileTokens.None)),
                    _entryOptions);
                cached++;
            }
            await using (var command = _database.CreateCommand("SELECT user_id, item_id, value FROM ratings ORDER BY user_id, item_id"))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
                while (cached < limit && await reader.ReadAsync(cancellationToken))
                {
                    var next = reader.GetInt32(0);
                    if (next != user)
                    {
                        await FlushAsync();
                        user = next;
                        items.Clear();
                        values.Clear();
                    }
                    items.Add(reader.GetInt32(1));
                    values.Add(reader.GetFloat(2));
                }
            if (cached < limit) await FlushAsync();
            completed = true;
        }
        finally
        {
            lock (_warmLock)
            {
                foreach (var id in _invalidatedWhileWarming!) _cache.Remove(id);
                if (_clearedWhileWarming) _cache.Clear();
                // A cleared cache is not warm: the next load warms it again.
                _warm = completed && !_clearedWhileWarming;
                _invalidatedWhileWarming = null;
            }
        }
        return cached;
    }

    private async Task<UserRatings> LoadAsync(string userId, CancellationToken cancellationToken)
    {
        // Item ids come back as surrogate keys and are mapped in memory (ItemExternalIds): joining items here made
        // one index probe per rating, most of the read's cost. Every cached user shares the items' id strings.
        const string sql = """
            SELECT u.ratings_changed_at, r.item_id, r.value, p.attributes::text
            FROM users u
            LEFT JOIN ratings r ON r.user_id = u.id
            LEFT JOIN user_profiles p ON p.user_id = u.id
            WHERE u.external_id = $1
            """;
        var exists = false;
        DateTimeOffset? changedAt = null;
        var profile = ProfileTokens.None;
        var items = new List<int>();
        var values = new List<float>();
        await using (var command = _database.CreateCommand(sql))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = userId });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                changedAt = reader.IsDBNull(0) ? null : reader.GetFieldValue<DateTimeOffset>(0);
                if (!exists && !reader.IsDBNull(3)) profile = UserAttributeTokens.FromJson(reader.GetString(3));
                exists = true;
                if (reader.IsDBNull(1)) continue; // a user row without ratings
                items.Add(reader.GetInt32(1));
                values.Add(reader.GetFloat(2));
            }
        }
        if (!exists) return UserRatings.Unknown(userId);
        return new UserRatings(userId, changedAt, await _items.ResolveAsync(items, cancellationToken), values.ToArray(), profile);
    }

    public void Dispose() => _cache.Dispose();
}
