using Npgsql;
using NpgsqlTypes;

using RecommenderService.Api.Notifications;
using RecommenderService.Api.Outcomes;
using RecommenderService.Api.Outcomes.Events;
using RecommenderService.Api.Persistence;
using RecommenderService.Api.Users;
using static RecommenderService.Api.Persistence.SqlBatch;

namespace RecommenderService.Api.Ratings;

/// <summary>
/// Writes ratings with set-based SQL on the shared <see cref="NpgsqlDataSource"/>, one transaction per call.
/// Every change to a user's ratings also stamps <c>users.ratings_changed_at</c> and sends a
/// <see cref="RatingChangeChannel"/> notice in the same transaction, so the serving side learns of it exactly
/// when it commits. Locks are taken in one order everywhere (user rows, then item rows, then rating rows,
/// each sorted), which keeps concurrent writers from deadlocking; <see cref="TransactionRetry"/> covers the rest.
/// The per-item statistics the popular list reads follow every statement on <c>ratings</c> through the
/// table's triggers, which only append rows (<c>item_stat_changes</c>): they add no lock to that order.
/// A write is all or nothing also against an item erasure (<see cref="Items.Erasure.ItemEraser"/>): one that had
/// resolved an item the erasure then removed stores nothing and says which items (it is never acknowledged unstored).
/// </summary>
public sealed class RatingWriter(NpgsqlDataSource dataSource, UserRatingsCache cache, IngestMetrics metrics, OutcomeMetrics outcomes,
    ILogger<RatingWriter> logger)
{
    // Every replica's cache hears the NOTIFY; this replica also forgets at once, so a client that writes
    // and then reads through the same replica always sees its write.

    private const string UpsertUsersSql = """
        INSERT INTO users (external_id, ratings_changed_at)
        SELECT u, now() FROM unnest($1::text[]) AS u ORDER BY u COLLATE "C"
        ON CONFLICT (external_id) DO UPDATE SET ratings_changed_at = now()
        """;

    private const string InsertItemsSql = """
        INSERT INTO items (external_id)
        SELECT i FROM unnest($1::text[]) AS i ORDER BY i COLLATE "C"
        ON CONFLICT (external_id) DO NOTHING
        """;

    // xmax = 0 tells a freshly inserted row from one that ON CONFLICT updated. The last column names the items the
    // join did not find: with the join it reads one snapshot, so a row is missing exactly when its item is. Users
    // are upserted and locked by this transaction, so only an item can be missing: one erased while this ran. The
    // look-up runs only when rows are missing (a subquery under CASE is evaluated only if its branch is taken).
    private const string UpsertRatingsSql = """
        WITH written AS (
            INSERT INTO ratings (user_id, item_id, value, rated_at)
            SELECT u.id, i.id, r.value, coalesce(r.rated_at, now())
            FROM unnest($1::text[], $2::text[], $3::real[], $4::timestamptz[]) AS r(user_ext, item_ext, value, rated_at)
            JOIN users u ON u.external_id = r.user_ext
            JOIN items i ON i.external_id = r.item_ext
            ORDER BY u.id, i.id
            ON CONFLICT (user_id, item_id) DO UPDATE
                SET value = excluded.value, rated_at = excluded.rated_at, updated_at = now()
            RETURNING xmax = 0 AS inserted, rated_at)
        SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted), max(rated_at),
               CASE WHEN count(*) < cardinality($1::text[]) THEN
                   (SELECT coalesce(array_agg(DISTINCT m ORDER BY m), '{}') FROM unnest($5::text[]) AS m
                    WHERE NOT EXISTS (SELECT 1 FROM items WHERE external_id = m))
               ELSE '{}' END
        FROM written
        """;

    /// <summary>
    /// Stores one rating, creating its user and, with <paramref name="createItems"/>, its item if new. Without it a rating
    /// of an unknown item is not stored (callers check <see cref="MissingItemsAsync"/> first). Either way, an item erased
    /// while the write runs makes it store nothing and say so (<see cref="RatingWriteOutcome.ErasedItems"/>).
    /// </summary>
    public async Task<RatingWriteOutcome> UpsertAsync(RatingWrite rating, CancellationToken cancellationToken, bool createItems = true)
    {
        var outcome = await Forget([rating.UserId], TransactionRetry.RunAsync(
            ct => WriteAsync([rating.UserId], [rating], createItems, ct), logger, cancellationToken));
        if (outcome.Stored) metrics.Stored(IngestMetrics.Route.Single, 1);
        return outcome;
    }

    /// <summary>
    /// Stores a validated batch in one transaction, all or nothing (an item erased while it runs: nothing, as for one
    /// rating). Rows for the same (user, item) pair: the last one wins, and the pair counts once in the answer.
    /// </summary>
    public async Task<RatingWriteOutcome> UpsertBatchAsync(IReadOnlyList<RatingWrite> ratings, CancellationToken cancellationToken, bool createItems = true)
    {
        var lastOfPair = new Dictionary<(string, string), RatingWrite>(ratings.Count);
        foreach (var rating in ratings) lastOfPair[(rating.UserId, rating.ItemId)] = rating;
        var distinct = lastOfPair.Values.ToArray();
        var users = distinct.Select(r => r.UserId).Distinct(StringComparer.Ordinal).ToArray();
        if (distinct.Length == 0) return new RatingWriteOutcome(0, 0, default, []);

        var outcome = await Forget(users, TransactionRetry.RunAsync(
            ct => WriteAsync(users, distinct, createItems, ct), logger, cancellationToken));
        if (outcome.Stored) metrics.Stored(IngestMetrics.Route.Batch, outcome.Inserted + outcome.Updated);
        return outcome;
    }

    /// <summary>The ids among <paramref name="itemIds"/> that are not in the catalogue.</summary>
    public async Task<HashSet<string>> MissingItemsAsync(IEnumerable<string> itemIds, CancellationToken cancellationToken)
    {
        var missing = itemIds.ToHashSet(StringComparer.Ordinal);
        if (missing.Count == 0) return missing;
        await using var command = dataSource.CreateCommand("SELECT external_id FROM items WHERE external_id = ANY($1)");
        command.Parameters.Add(Text(missing.ToArray()));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) missing.Remove(reader.GetString(0));
        return missing;
    }

    private async Task<RatingWriteOutcome> WriteAsync(
        string[] users, IReadOnlyList<RatingWrite> ratings, bool createItems, CancellationToken cancellationToken)
    {
        var userIds = new string[ratings.Count];
        var itemIds = new string[ratings.Count];
        var values = new float[ratings.Count];
        var ratedAt = new DateTime?[ratings.Count];
        for (var i = 0; i < ratings.Count; i++)
            (userIds[i], itemIds[i], values[i], ratedAt[i], _) = ratings[i];
        var items = itemIds.Distinct(StringComparer.Ordinal).ToArray();

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { Command(UpsertUsersSql, Text(users)) } };
        // Without it, a row of an item not in the catalogue finds no item in the join below and the write is refused;
        // callers check first, so such an item was erased meanwhile.
        if (createItems) batch.BatchCommands.Add(Command(InsertItemsSql, Text(items)));
        batch.BatchCommands.Add(Command(UpsertRatingsSql, Text(userIds), Text(itemIds),
            new NpgsqlParameter { Value = values, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Real },
            new NpgsqlParameter { Value = ratedAt, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz },
            Text(items)));
        batch.BatchCommands.Add(NoticeCommand(users));
        // Ratings that cite a list are also its outcomes; a rating without one costs nothing more.
        var cited = Cited(ratings);
        if (cited.Count > 0)
        {
            var attribution = new NpgsqlBatchCommand(EventWriter.InsertSql);
            attribution.Parameters.AddRange(EventWriter.Parameters(cited));
            batch.BatchCommands.Add(attribution);
        }

        RatingWriteOutcome outcome;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            outcome = new RatingWriteOutcome((int)reader.GetInt64(0), (int)reader.GetInt64(1),
                reader.IsDBNull(2) ? default : reader.GetDateTime(2), reader.GetFieldValue<string[]>(3));
        }

        // All or nothing: a write that lost some of its rows to an erasure must not be acknowledged, nor half stored.
        if (!outcome.Stored)
        {
            await transaction.RollbackAsync(cancellationToken);
            logger.LogInformation("Rating write refused: {Items} item(s) were erased while it ran, the first {ItemId}",
                outcome.ErasedItems.Count, outcome.ErasedItems[0]);
            return RatingWriteOutcome.Refused(outcome.ErasedItems);
        }
        await transaction.CommitAsync(cancellationToken);
        if (cited.Count > 0) outcomes.EventsStored(EventTypes.Rating, cited.Count);
        return outcome;
    }

    /// <summary>The ratings that cite a list, as <see cref="EventTypes.Rating"/> events whose value is the stars.</summary>
    private static List<OutcomeEvent> Cited(IReadOnlyList<RatingWrite> ratings)
    {
        List<OutcomeEvent>? cited = null;
        foreach (var rating in ratings)
            if (rating.RecommendationId is { } id)
                (cited ??= []).Add(new OutcomeEvent(rating.UserId, rating.ItemId, EventTypes.Rating, rating.RatedAt, id, rating.Value));
        return cited ?? [];
    }

    /// <summary>Deletes one rating; false (and nothing changed) when the user had not rated the item.</summary>
    public Task<bool> DeleteAsync(string userId, string itemId, CancellationToken cancellationToken) =>
        Forget([userId], TransactionRetry.RunAsync(async ct =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            // The user row first, as every writer locks it: see the class remarks.
            await using var batch = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands =
                {
                    Command("UPDATE users SET ratings_changed_at = now() WHERE external_id = $1", Text(userId)),
                    Command("""
                        DELETE FROM ratings
                        WHERE user_id = (SELECT id FROM users WHERE external_id = $1)
                          AND item_id = (SELECT id FROM items WHERE external_id = $2)
                        """, Text(userId), Text(itemId)),
                    NoticeCommand([userId]),
                },
            };
            await batch.ExecuteNonQueryAsync(ct);
            if (batch.BatchCommands[1].RecordsAffected == 0)
            {
                await transaction.RollbackAsync(ct);
                return false;
            }
            await transaction.CommitAsync(ct);
            return true;
        }, logger, cancellationToken));

    private async Task<T> Forget<T>(string[] users, Task<T> write)
    {
        try
        {
            return await write;
        }
        finally
        {
            // Also after a failure: the outcome of a commit that timed out is unknown.
            foreach (var user in users) cache.Invalidate(user);
        }
    }

    /// <summary>The notices naming exactly <paramref name="users"/>, as many as their ids need (see <see cref="RatingChangeChannel"/>).</summary>
    private static NpgsqlBatchCommand NoticeCommand(string[] users) =>
        Command(RatingChangeChannel.NotifySql, Text(RatingChangeChannel.Encode(users)));
}
