using Npgsql;
using NpgsqlTypes;

using RecommenderService.Api.Notifications;
using RecommenderService.Api.Persistence;

using static RecommenderService.Api.Persistence.SqlBatch;

namespace RecommenderService.Api.Users.Erasure;

/// <summary>Erases a user (<c>DELETE /api/v1/users/{userId}</c>): their row, ratings, outcome events and impressions.</summary>
public sealed class UserEraser(NpgsqlDataSource dataSource, UserRatingsCache cache, ErasedUsers erased, ILogger<UserEraser> logger)
{
    /// <summary>
    /// Erases a user and all their ratings, and records the erasure (<see cref="ErasedUsers"/>) so that no
    /// replica serves a stored model's vector of them again; false when the user is unknown. There is no foreign key to
    /// cascade (see RatingConfiguration), so the ratings are deleted here, after the user row: deleting that
    /// row first waits for any writer holding it (every rating write locks its user row), so such a write
    /// has committed before the second statement, which then sees and deletes its ratings; a write that
    /// comes later waits for this transaction and creates a fresh user. No rating is ever left without its user.
    /// </summary>
    public async Task<bool> EraseAsync(string userId, CancellationToken cancellationToken)
    {
        try
        {
            return await TransactionRetry.RunAsync(async ct =>
            {
                await using var connection = await dataSource.OpenConnectionAsync(ct);
                await using var transaction = await connection.BeginTransactionAsync(ct);
                int id;
                await using (var lockUser = new NpgsqlCommand("DELETE FROM users WHERE external_id = $1 RETURNING id", connection, transaction))
                {
                    lockUser.Parameters.Add(Text(userId));
                    if (await lockUser.ExecuteScalarAsync(ct) is not int deleted)
                    {
                        await transaction.RollbackAsync(ct);
                        return false;
                    }
                    id = deleted;
                }
                // A separate statement, so that in READ COMMITTED it reads a snapshot taken after the wait above.
                await using var batch = new NpgsqlBatch(connection, transaction)
                {
                    BatchCommands =
                    {
                        Command("DELETE FROM ratings WHERE user_id = $1", new NpgsqlParameter { Value = id, NpgsqlDbType = NpgsqlDbType.Integer }),
                        // What they did with lists, and the lists they were shown, go with them: the lock waits for batches
                        // being written, which may hold their lists, and makes later batches see this erasure.
                        Command("DELETE FROM outcome_events WHERE user_id = $1", Text(userId)),
                        Command(ErasedListLock.EraseSql),
                        Command("DELETE FROM impressions WHERE user_id = $1", Text(userId)),
                        // Before the rating notice: a replica that drops the user has already heard of the erasure.
                        erased.RecordCommand(userId),
                        Command(RatingChangeChannel.NotifySql, Text(RatingChangeChannel.Encode([userId]))),
                    },
                };
                await batch.ExecuteNonQueryAsync(ct);
                await transaction.CommitAsync(ct);
                erased.AddErased(userId);
                return true;
            }, logger, cancellationToken);
        }
        finally
        {
            // Also after a failure: the outcome of a commit that timed out is unknown.
            cache.Invalidate(userId);
        }
    }
}
