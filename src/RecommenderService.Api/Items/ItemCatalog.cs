using System.Text.Json;

using Npgsql;
using NpgsqlTypes;

using RecommenderService.Api.Items.Availability;
using RecommenderService.Api.Notifications;

namespace RecommenderService.Api.Items;

/// <summary>Catalogue data of items (title, attributes, availability) and their rating statistics.</summary>
public sealed class ItemCatalog(NpgsqlDataSource database, ItemTitles titles, IItemChangeListener coldItems, ItemAvailability availability, TimeProvider clock)
{
    // Items whose request says nothing of availability keep theirs; the others have all three columns replaced.
    // xmax = 0 tells a freshly inserted row from one that ON CONFLICT updated.
    private const string UpsertKeepingAvailabilitySql = """
        INSERT INTO items (external_id, title, attributes)
        SELECT r.e, r.t, r.a::jsonb FROM unnest($1::text[], $2::text[], $3::text[]) AS r(e, t, a) ORDER BY r.e COLLATE "C"
        ON CONFLICT (external_id) DO UPDATE SET title = excluded.title, attributes = excluded.attributes, updated_at = now()
        RETURNING (xmax = 0)
        """;

    private const string UpsertWithAvailabilitySql = """
        INSERT INTO items (external_id, title, attributes, available, available_from, available_until)
        SELECT r.e, r.t, r.a::jsonb, r.v, r.f, r.u
        FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[], $5::timestamptz[], $6::timestamptz[]) AS r(e, t, a, v, f, u)
        ORDER BY r.e COLLATE "C"
        ON CONFLICT (external_id) DO UPDATE SET title = excluded.title, attributes = excluded.attributes, available = excluded.available,
            available_from = excluded.available_from, available_until = excluded.available_until, updated_at = now()
        RETURNING (xmax = 0)
        """;

    private const string NotifySql = $"SELECT pg_notify('{NotificationChannels.ItemChanges}', e) FROM unnest($1::text[]) AS e";

    /// <summary>The columns an <see cref="ItemResponse"/> is made of, for item <c>i</c>, with its figures from the item statistics.</summary>
    private const string ItemColumns = """
        i.external_id, i.title, i.attributes::text, coalesce(s.n, 0)::int, s.s, i.available, i.available_from, i.available_until
        FROM items i
        LEFT JOIN LATERAL (
            SELECT sum(x.rating_count) AS n, sum(x.rating_sum) AS s
            FROM (SELECT rating_count, rating_sum FROM item_stats WHERE item_id = i.id
                  UNION ALL SELECT rating_count, rating_sum FROM item_stat_changes WHERE item_id = i.id) x) s ON true
        """;

    /// <summary>Creates or replaces an item's catalogue data; true when the item is new.</summary>
    public async Task<bool> UpsertAsync(string itemId, ItemRequest request, CancellationToken cancellationToken) =>
        (await UpsertManyAsync([(itemId, request)], cancellationToken)).Created == 1;

    /// <summary>Creates or replaces several items in one transaction (ids distinct); how many were new and how many replaced.</summary>
    public async Task<(int Created, int Updated)> UpsertManyAsync(IReadOnlyList<(string ItemId, ItemRequest Request)> items,
        CancellationToken cancellationToken)
    {
        var keeping = items.Where(i => !i.Request.SetsAvailability).ToArray();
        var setting = items.Where(i => i.Request.SetsAvailability).ToArray();
        int created = 0, updated = 0;
        await using (var connection = await database.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            async Task WriteAsync(string sql, params NpgsqlParameter[] parameters)
            {
                await using var command = new NpgsqlCommand(sql, connection, transaction);
                command.Parameters.AddRange(parameters);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    if (reader.GetBoolean(0)) created++;
                    else updated++;
                }
            }
            if (keeping.Length > 0)
                await WriteAsync(UpsertKeepingAvailabilitySql, Ids(keeping), Titles(keeping), Attributes(keeping));
            if (setting.Length > 0)
                await WriteAsync(UpsertWithAvailabilitySql, Ids(setting), Titles(setting), Attributes(setting),
                    new NpgsqlParameter { Value = setting.Select(i => i.Request.Rule.Available).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Boolean },
                    Times(setting.Select(i => i.Request.AvailableFrom)), Times(setting.Select(i => i.Request.AvailableUntil)));
            await using (var notify = new NpgsqlCommand(NotifySql, connection, transaction))
            {
                notify.Parameters.Add(Ids(items));
                await notify.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }
        // This replica serves the write from the next request on; the others follow the notice.
        foreach (var (itemId, request) in items)
        {
            titles.Invalidate(itemId);
            coldItems.ItemChanged(itemId);
            if (request.SetsAvailability) availability.Apply(itemId, request.Rule);
        }
        return (created, updated);
    }

    private static NpgsqlParameter Ids(IEnumerable<(string ItemId, ItemRequest Request)> items) =>
        new() { Value = items.Select(i => i.ItemId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };

    private static NpgsqlParameter Titles(IEnumerable<(string ItemId, ItemRequest Request)> items) =>
        new() { Value = items.Select(i => i.Request.Title).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };

    private static NpgsqlParameter Attributes(IEnumerable<(string ItemId, ItemRequest Request)> items) => new()
    {
        Value = items.Select(i => i.Request.Attributes is { ValueKind: JsonValueKind.Object } attributes ? attributes.GetRawText() : null).ToArray(),
        NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text,
    };

    private static NpgsqlParameter Times(IEnumerable<DateTimeOffset?> times) => new()
    {
        Value = times.Select(t => t?.UtcDateTime).ToArray(),
        NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz,
    };

    /// <summary>The item with its rating count and mean, or null if unknown.</summary>
    public async Task<ItemResponse?> GetAsync(string itemId, CancellationToken cancellationToken)
    {
        // From the item statistics (its running figures plus the changes not folded in yet), the same
        // figures the popular list uses, rather than a pass over every rating of a popular item.
        await using var command = database.CreateCommand($"SELECT {ItemColumns} WHERE i.external_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = itemId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader, clock.GetUtcNow()) : null;
    }

    /// <summary>
    /// The known items among <paramref name="itemIds"/> that may be listed now (<paramref name="available"/>) or may not, in the
    /// asked order, each once; unknown ids are left out.
    /// </summary>
    public async Task<List<ItemResponse>> GetManyAsync(IReadOnlyList<string> itemIds, bool available, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT {ItemColumns} WHERE i.external_id = ANY($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = itemIds.ToArray() });
        var now = clock.GetUtcNow();
        var found = new Dictionary<string, ItemResponse>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var item = Read(reader, now);
                if (item.Available == available) found[item.ItemId] = item;
            }
        }
        var items = new List<ItemResponse>(found.Count);
        foreach (var id in itemIds.Distinct(StringComparer.Ordinal))
            if (found.TryGetValue(id, out var item)) items.Add(item);
        return items;
    }

    /// <summary>
    /// One page of the items that may not be listed now (retired, or outside their schedule), in the order they were first
    /// stored, after <paramref name="after"/>; the cursor of the next page, or null on the last.
    /// </summary>
    public async Task<ItemBatchResponse> RetiredPageAsync(ItemCursor? after, int limit, CancellationToken cancellationToken)
    {
        // The first condition is the partial index's: only items with a rule are read.
        await using var command = database.CreateCommand($"""
            SELECT i.id, {ItemColumns}
            WHERE (NOT i.available OR i.available_from IS NOT NULL OR i.available_until IS NOT NULL)
              AND NOT (i.available AND coalesce(i.available_from <= $2, true) AND coalesce(i.available_until > $2, true))
              AND i.id > $1
            ORDER BY i.id LIMIT $3
            """);
        var now = clock.GetUtcNow();
        command.Parameters.Add(new NpgsqlParameter { Value = after?.ItemKey ?? 0, NpgsqlDbType = NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = limit + 1, NpgsqlDbType = NpgsqlDbType.Integer });
        var items = new List<ItemResponse>(limit);
        var keys = new List<int>(limit);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                keys.Add(reader.GetInt32(0));
                items.Add(Read(reader, now, offset: 1));
            }
        }
        if (items.Count <= limit) return new ItemBatchResponse(items);
        items.RemoveAt(limit);
        return new ItemBatchResponse(items, new ItemCursor(keys[limit - 1]).Encode());
    }

    private static ItemResponse Read(NpgsqlDataReader reader, DateTimeOffset now, int offset = 0)
    {
        JsonElement? attributes = null;
        if (!reader.IsDBNull(offset + 2))
        {
            using var document = JsonDocument.Parse(reader.GetString(offset + 2));
            attributes = document.RootElement.Clone();
        }
        var count = reader.GetInt32(offset + 3);
        var rule = new AvailabilityRule(
            reader.GetBoolean(offset + 5),
            reader.IsDBNull(offset + 6) ? null : reader.GetFieldValue<DateTimeOffset>(offset + 6),
            reader.IsDBNull(offset + 7) ? null : reader.GetFieldValue<DateTimeOffset>(offset + 7));
        return new ItemResponse(
            reader.GetString(offset),
            reader.IsDBNull(offset + 1) ? null : reader.GetString(offset + 1),
            attributes,
            count,
            count == 0 ? null : Math.Round(reader.GetDouble(offset + 4) / count, 4),
            rule.IsAvailableAt(now),
            rule.From,
            rule.Until);
    }

    public async Task<bool> ExistsAsync(string itemId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT EXISTS (SELECT 1 FROM items WHERE external_id = $1)");
        command.Parameters.Add(new NpgsqlParameter { Value = itemId });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
