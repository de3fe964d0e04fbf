using Microsoft.Extensions.Caching.Memory;
using Npgsql;

namespace RecommenderService.Api.Items;

/// <summary>
/// Item titles for recommendation responses, cached per item so a list costs at most one query for the
/// titles not seen yet. Item updates anywhere drop the entry (the <c>item_changes</c> NOTIFY).
/// </summary>
public sealed class ItemTitles(NpgsqlDataSource database, ILogger<ItemTitles> logger) : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 1_000_000 });
    private static readonly MemoryCacheEntryOptions EntryOptions = new() { Size = 1, SlidingExpiration = TimeSpan.FromHours(1) };
    private long _generation;

    /// <summary>Titles of <paramref name="itemIds"/>; items without a title map to null.</summary>
    public async ValueTask<string?[]> GetAsync(IReadOnlyList<string> itemIds, CancellationToken cancellationToken)
    {
        var titles = new string?[itemIds.Count];
        List<int>? missing = null;
        for (var k = 0; k < itemIds.Count; k++)
        {
            if (_cache.TryGetValue(itemIds[k], out string? title)) titles[k] = title;
            else (missing ??= []).Add(k);
        }
        if (missing is null) return titles;

        var generation = Interlocked.Read(ref _generation);
        var ids = missing.Select(k => itemIds[k]).ToArray();
        var found = new Dictionary<string, string?>(StringComparer.Ordinal);
        await using (var command = database.CreateCommand("SELECT external_id, title FROM items WHERE external_id = ANY($1)"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = ids });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                found[reader.GetString(0)] = reader.IsDBNull(1) ? null : reader.GetString(1);
        }
        var cacheable = Interlocked.Read(ref _generation) == generation;
        foreach (var k in missing)
        {
            found.TryGetValue(itemIds[k], out var title);
            titles[k] = title;
            if (cacheable) _cache.Set(itemIds[k], title, EntryOptions);
        }
        return titles;
    }

    /// <summary>
    /// Titles for a response. Titles are decoration: without the database a list goes out with
    /// <paramref name="fallback"/>'s titles (e.g. the popular list's own copy, at most a refresh old) or none, rather
    /// than not at all.
    /// </summary>
    public async ValueTask<string?[]> GetOrFallbackAsync(IReadOnlyList<string> itemIds, Func<int, string?>? fallback, CancellationToken cancellationToken)
    {
        try
        {
            return await GetAsync(itemIds, cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            logger.LogWarning("Item titles unavailable: {Error}", ex.Message);
            var titles = new string?[itemIds.Count];
            if (fallback is not null)
                for (var k = 0; k < titles.Length; k++) titles[k] = fallback(k);
            return titles;
        }
    }

    public void Invalidate(string itemId)
    {
        Interlocked.Increment(ref _generation);
        _cache.Remove(itemId);
    }

    public void Clear()
    {
        Interlocked.Increment(ref _generation);
        _cache.Clear();
    }

    public void Dispose() => _cache.Dispose();
}
