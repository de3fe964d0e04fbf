using Npgsql;
using NpgsqlTypes;

using RecommenderService.Api.Items.Availability;
using RecommenderService.Api.Notifications;
using RecommenderService.Api.Persistence;

namespace RecommenderService.Api.Items.Erasure;

/// <summary>
/// Erases an item: its row (title, attributes, availability) and every rating of it, in one transaction that also
/// records the erasure (<see cref="ErasedItems"/>), stamps and announces the users whose ratings it deleted (every
/// replica drops them, as for a rating write) and announces the item change. The item statistics follow the deleted
/// ratings through the ratings triggers.
/// </summary>
/// <remarks>
/// Rating writes lock user rows, not item rows, so the erasure holds the ratings table against writers
/// (<c>SHARE ROW EXCLUSIVE</c>: reads go on) from before it deletes the ratings until it commits: a rating of the item
/// written meanwhile either committed before (and is deleted) or runs after, with a snapshot that no longer holds the
/// item: it stores nothing and is refused (<see cref="Ratings.RatingWriteOutcome"/>). A CSV import locks the items it
/// resolved (<c>FOR KEY SHARE</c>), so the erasure's first statement waits for it. No rating is ever left naming the item.
/// </remarks>
public sealed class ItemEraser(
    NpgsqlDataSource database, ErasedItems erased, ItemAvailability availability, ItemTitles titles, IItemChangeListener coldItems,
    IErasedRatingsListener users, ILogger<ItemEraser> logger)
{
    /// <summary>Erases <paramref name="itemId"/>; false (and nothing changed) when the service does not know it.</summary>
    public async Task<bool> EraseAsync(string itemId, CancellationToken cancellationToken)
    {
        var outcome = await TransactionRetry.RunAsync(async ct =>
        {
            await using var connection = await database.OpenConnectionAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            int id;
            await using (var deleteItem = new NpgsqlCommand("DELETE FROM items WHERE external_id = $1 RETURNING id", connection, transaction))
            {
                deleteItem.Parameters.Add(new NpgsqlParameter { Value = itemId, NpgsqlDbType = NpgsqlDbType.Text });
                if (await deleteItem.ExecuteScalarAsync(ct) is not int deleted)
                {
                    await transaction.RollbackAsync(ct);
                    return (Erased: false, Users: Array.Empty<string>(), At: default(DateTimeOffset));
                }
                id = deleted;
            }
            await using (var hold = new NpgsqlCommand("LOCK TABLE ratings IN SHARE ROW EXCLUSIVE MODE", connection, transaction))
                await hold.ExecuteNonQueryAsync(ct);

            // Users in key order, as every writer locks them.
            var affected = new List<string>();
            await using (var deleteRatings = new NpgsqlCommand("""
                WITH gone AS (DELETE FROM ratings WHERE item_id = $1 RETURNING user_id),
                stamped AS (
                    UPDATE users u SET ratings_changed_at = now()
                    FROM (SELECT id FROM users WHERE id IN (SELECT user_id FROM gone) ORDER BY id FOR UPDATE) l
                    WHERE u.id = l.id RETURNING u.external_id)
                SELECT external_id FROM stamped
                """, connection, transaction))
            {
                deleteRatings.Parameters.Add(new NpgsqlParameter { Value = id, NpgsqlDbType = NpgsqlDbType.Integer });
                await using var reader = await deleteRatings.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) affected.Add(reader.GetString(0));
            }

            DateTimeOffset at;
            await using var batch = new NpgsqlBatch(connection, transaction);
            batch.BatchCommands.Add(ErasedItems.RecordCommand(itemId));
            var itemNotice = new NpgsqlBatchCommand($"SELECT pg_notify('{NotificationChannels.ItemChanges}', $1)");
            itemNotice.Parameters.Add(new NpgsqlParameter { Value = itemId, NpgsqlDbType = NpgsqlDbType.Text });
            batch.BatchCommands.Add(itemNotice);
            if (affected.Count > 0)
            {
                var userNotices = new NpgsqlBatchCommand(RatingChangeChannel.NotifySql);
                userNotices.Parameters.Add(new NpgsqlParameter
                {
                    Value = RatingChangeChannel.Encode(affected), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text,
                });
                batch.BatchCommands.Add(userNotices);
            }
            await using (var reader = await batch.ExecuteReaderAsync(ct))
            {
                await reader.ReadAsync(ct);
                at = reader.GetFieldValue<DateTimeOffset>(0);
            }
            await transaction.CommitAsync(ct);
            return (Erased: true, Users: affected.ToArray(), At: at);
        }, logger, cancellationToken);

        if (!outcome.Erased) return false;
        // This replica forgets at once; the others follow the notices.
        erased.AddErased(itemId, outcome.At);
        availability.Apply(itemId, AvailabilityRule.Always);
        titles.Invalidate(itemId);
        coldItems.ItemChanged(itemId);
        foreach (var user in outcome.Users) users.RatingsErased(user);
        logger.LogInformation("Erased item {ItemId} and the ratings of {Users} users", itemId, outcome.Users.Length);
        return true;
    }
}
