using System.Text.Json;

using Npgsql;

namespace RecommenderService.Api.Recommendations.Feeds;

/// <summary>
/// Reads item attributes for feeds: the ids that pass a set of filters (evaluated by PostgreSQL over the
/// <c>attributes</c> JSON, so a filter always sees the latest catalogue) and the attributes of a page's items.
/// </summary>
public sealed class ItemAttributeIndex(NpgsqlDataSource database, ILogger<ItemAttributeIndex> logger)
{
    // An item passes when no filter fails: an array must contain the value, anything else must equal it as text.
    private const string MatchingSql = """
        SELECT i.external_id FROM items i
        WHERE i.attributes IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM unnest($1::text[], $2::text[]) AS f(k, v)
            WHERE NOT CASE jsonb_typeof(i.attributes -> f.k)
                WHEN 'array' THEN EXISTS (SELECT 1 FROM jsonb_array_elements_text(i.attributes -> f.k) AS e(x) WHERE e.x = f.v)
                WHEN 'object' THEN false
                ELSE coalesce(i.attributes ->> f.k = f.v, false)
            END)
        """;

    /// <summary>The ids of every item that satisfies all <paramref name="filters"/>.</summary>
    public async Task<HashSet<string>> MatchingAsync(IReadOnlyList<AttributeFilter> filters, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(MatchingSql);
        command.Parameters.Add(new NpgsqlParameter { Value = filters.Select(f => f.Key).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = filters.Select(f => f.Value).ToArray() });
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) ids.Add(reader.GetString(0));
        return ids;
    }

    /// <summary>
    /// <see cref="AttributesAsync"/> for a list's decoration (<c>include=attributes</c>): without the database, none
    /// rather than no list.
    /// </summary>
    public async ValueTask<JsonElement?[]> AttributesOrNoneAsync(IReadOnlyList<string> itemIds, CancellationToken cancellationToken)
    {
        try
        {
            return await AttributesAsync(itemIds, cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            logger.LogWarning("Item attributes unavailable: {Error}", ex.Message);
            return new JsonElement?[itemIds.Count];
        }
    }

    /// <summary>The attributes of <paramref name="itemIds"/>, in their order; null where an item has none.</summary>
    public async Task<JsonElement?[]> AttributesAsync(IReadOnlyList<string> itemIds, CancellationToken cancellationToken)
    {
        var result = new JsonElement?[itemIds.Count];
        if (itemIds.Count == 0) return result;
        var found = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        await using (var command = database.CreateCommand("SELECT external_id, attributes::text FROM items WHERE external_id = ANY($1) AND attributes IS NOT NULL"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = itemIds.ToArray() });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                // A row written around the API may nest deeper than JSON's default limit, which the response writer
                // shares: such attributes are left out of the page rather than failing the whole request.
                try
                {
                    using var document = JsonDocument.Parse(reader.GetString(1));
                    found[reader.GetString(0)] = document.RootElement.Clone();
                }
                catch (JsonException)
                {
                }
            }
        }
        for (var k = 0; k < itemIds.Count; k++)
            if (found.TryGetValue(itemIds[k], out var attributes)) result[k] = attributes;
        return result;
    }
}
