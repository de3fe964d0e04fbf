using System.Text.Json;
using Npgsql;
using RecommenderService.Api.Model.Loading;
using RecommenderService.Api.Notifications;

namespace RecommenderService.Api.Items;

/// <summary>Catalogue data of items (title, attributes) and their rating statistics.</summary>
public sealed class ItemCatalog(NpgsqlDataSource database, ItemTitles titles, ColdItemOverlay coldItems)
{
    /// <summary>Creates or replaces an item's catalogue data; true when the item is new.</summary>
    public async Task<bool> UpsertAsync(string itemId, ItemRequest request, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO items (external_id, title, attributes) VALUES ($1, $2, $3::jsonb)
            ON CONFLICT (external_id) DO UPDATE SET title = excluded.title, attributes = excluded.attributes, updated_at = now()
            RETURNING (xmax = 0)
            """;
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        bool inserted;
        await using (var command = new NpgsqlCommand(sql, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = itemId });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)request.Title ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter
            {
                Value = request.Attributes is { ValueKind: JsonValueKind.Object } attributes ? attributes.GetRawText() : DBNull.Value,
                NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text,
            });
            inserted = (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
        }
        await using (var notify = new NpgsqlCommand("SELECT pg_notify($1, $2)", connection, transaction))
        {
            notify.Parameters.Add(new NpgsqlParameter { Value = NotificationChannels.ItemChanges });
            notify.Parameters.Add(new NpgsqlParameter { Value = itemId });
            await notify.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        titles.Invalidate(itemId);
        // This replica serves the write from the next request on; the others follow the notice.
        coldItems.ItemChanged(itemId);
        return inserted;
    }

    /// <summary>The item with its rating count and mean, or null if unknown.</summary>
    public async Task<ItemResponse?> GetAsync(string itemId, CancellationToken cancellationToken)
    {
        // From the item statistics (its running figures plus the changes not folded in yet), the same
        // figures the popular list uses, rather than a pass over every rating of a popular item.
        const string sql = """
            SELECT i.title, i.attributes::text, coalesce(s.n, 0)::int, s.s
            FROM items i
            LEFT JOIN LATERAL (
                SELECT sum(x.rating_count) AS n, sum(x.rating_sum) AS s
                FROM (SELECT rating_count, rating_sum FROM item_stats WHERE item_id = i.id
                      UNION ALL SELECT rating_count, rating_sum FROM item_stat_changes WHERE item_id = i.id) x) s ON true
            WHERE i.external_id = $1
            """;
        await using var command = database.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = itemId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        JsonElement? attributes = null;
        if (!reader.IsDBNull(1))
        {
            using var document = JsonDocument.Parse(reader.GetString(1));
            attributes = document.RootElement.Clone();
        }
        return new ItemResponse(
            itemId,
            reader.IsDBNull(0) ? null : reader.GetString(0),
            attributes,
            reader.GetInt32(2),
            reader.GetInt32(2) == 0 ? null : Math.Round(reader.GetDouble(3) / reader.GetInt32(2), 4));
    }

    /// <summary>The known items among <paramref name="itemIds"/>, in the asked order, each once; unknown ids are left out.</summary>
    public async Task<List<ItemResponse>> GetManyAsync(IReadOnlyList<string> itemIds, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT i.external_id, i.title, i.attributes::text,
                   (SELECT count(*)::int FROM ratings r WHERE r.item_id = i.id),
                   (SELECT avg(r.value)::float8 FROM ratings r WHERE r.item_id = i.id)
            FROM items i WHERE i.external_id = ANY($1)
            """;
        await using var command = database.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = itemIds.ToArray() });
        var found = new Dictionary<string, ItemResponse>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                JsonElement? attributes = null;
                if (!reader.IsDBNull(2))
                {
                    using var document = JsonDocument.Parse(reader.GetString(2));
                    attributes = document.RootElement.Clone();
                }
                var id = reader.GetString(0);
                found[id] = new ItemResponse(id, reader.IsDBNull(1) ? null : reader.GetString(1), attributes, reader.GetInt32(3),
                    reader.IsDBNull(4) ? null : Math.Round(reader.GetDouble(4), 4));
            }
        }
        var items = new List<ItemResponse>(found.Count);
        foreach (var id in itemIds.Distinct(StringComparer.Ordinal))
            if (found.TryGetValue(id, out var item)) items.Add(item);
        return items;
    }

    public async Task<bool> ExistsAsync(string itemId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT EXISTS (SELECT 1 FROM items WHERE external_id = $1)");
        command.Parameters.Add(new NpgsqlParameter { Value = itemId });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
