using Npgsql;

namespace RecommenderService.Api.Items;

/// <summary>
/// Items' external ids by surrogate key, held in memory so a user's ratings are read from <c>ratings</c> alone:
/// joining <c>items</c> for every rated item cost several times the rest of the read (one index probe per rating,
/// ~0.7 ms against ~0.1 ms for a user with 65 ratings). Surrogate keys are identity values, never reused or
/// re-pointed (items are never renamed; an erased item's key goes with every rating that named it), so an entry once
/// read stays true; ids newer than the table in
/// memory are read on first sight, every new item at once. One string per item is shared by every cached user.
/// </summary>
public sealed class ItemExternalIds(NpgsqlDataSource database) : IDisposable
{
    private volatile string?[] _byId = [];
    private readonly SemaphoreSlim _loading = new(1, 1);

    /// <summary>The external ids of <paramref name="ids"/> (surrogate keys of existing items), in order.</summary>
    public async ValueTask<string[]> ResolveAsync(IReadOnlyList<int> ids, CancellationToken cancellationToken)
    {
        var result = new string[ids.Count];
        if (TryResolve(_byId, ids, result)) return result;

        await _loading.WaitAsync(cancellationToken);
        try
        {
            // Another request may have read them meanwhile; otherwise read every item newer than the table, plus any
            // older id still missing (an id skipped by a rolled-back insert is never asked for: no rating names it).
            if (!TryResolve(_byId, ids, result))
            {
                var table = _byId;
                var missing = ids.Where(id => id < table.Length && table[id] is null).Distinct().ToArray();
                var grown = await LoadAsync(table, missing, cancellationToken);
                _byId = grown;
                if (!TryResolve(grown, ids, result))
                    throw new InvalidOperationException("A rating names an item id the items table does not hold.");
            }
        }
        finally
        {
            _loading.Release();
        }
        return result;
    }

    private static bool TryResolve(string?[] table, IReadOnlyList<int> ids, string[] result)
    {
        for (var k = 0; k < ids.Count; k++)
        {
            var id = ids[k];
            if ((uint)id >= (uint)table.Length || table[id] is not { } external) return false;
            result[k] = external;
        }
        return true;
    }

    private async Task<string?[]> LoadAsync(string?[] table, int[] missing, CancellationToken cancellationToken)
    {
        var rows = new List<(int Id, string External)>();
        await using (var command = database.CreateCommand("SELECT id, external_id FROM items WHERE id >= $1 OR id = ANY($2)"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = table.Length });
            command.Parameters.Add(new NpgsqlParameter { Value = missing });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                rows.Add((reader.GetInt32(0), reader.GetString(1)));
        }
        var length = Math.Max(table.Length, rows.Count == 0 ? 0 : rows.Max(r => r.Id) + 1);
        // Copy on write: readers hold the old array and never see a half-filled one.
        var grown = new string?[length];
        table.CopyTo(grown, 0);
        foreach (var (id, external) in rows) grown[id] = external;
        return grown;
    }

    public void Dispose() => _loading.Dispose();
}
