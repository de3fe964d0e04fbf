using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using RecommenderService.Api.Notifications;
using RecommenderService.Api.Persistence;
using RecommenderService.Engine;

namespace RecommenderService.Api.Users;

/// <summary>
/// Stores users' profiles (table <c>user_profiles</c>, removed with the user on erasure) and reads them: one for the API,
/// all of them as tokens for training the user attribute map.
/// </summary>
public sealed class UserProfileStore(NpgsqlDataSource database, UserRatingsCache cache, ILogger<UserProfileStore> logger)
{
    /// <summary>
    /// Replaces the user's profile (creating the user when the service has not seen them); true when they had none.
    /// Announces the change on the rating channel in the same transaction, so every replica drops its cached view of
    /// the user and serves them from the new profile.
    /// </summary>
    public async Task<bool> PutAsync(string userId, JsonElement attributes, CancellationToken cancellationToken)
    {
        var created = await TransactionRetry.RunAsync(async ct =>
        {
            await using var connection = await database.OpenConnectionAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            int id;
            // The upsert locks the user row, as rating writes do, so an erasure running at the same time goes first or after.
            await using (var user = new NpgsqlCommand(
                "INSERT INTO users (external_id) VALUES ($1) ON CONFLICT (external_id) DO UPDATE SET external_id = EXCLUDED.external_id RETURNING id",
                connection, transaction))
            {
                user.Parameters.Add(new NpgsqlParameter { Value = userId, NpgsqlDbType = NpgsqlDbType.Text });
                id = (int)(await user.ExecuteScalarAsync(ct))!;
            }
            bool created;
            await using (var profile = new NpgsqlCommand("""
                INSERT INTO user_profiles (user_id, attributes, updated_at) VALUES ($1, $2, now())
                ON CONFLICT (user_id) DO UPDATE SET attributes = EXCLUDED.attributes, updated_at = now()
                RETURNING xmax = 0
                """, connection, transaction))
            {
                profile.Parameters.Add(new NpgsqlParameter { Value = id, NpgsqlDbType = NpgsqlDbType.Integer });
                profile.Parameters.Add(new NpgsqlParameter { Value = attributes.GetRawText(), NpgsqlDbType = NpgsqlDbType.Jsonb });
                created = (bool)(await profile.ExecuteScalarAsync(ct))!;
            }
            await using (var notice = new NpgsqlCommand(RatingChangeChannel.NotifySql, connection, transaction))
            {
                notice.Parameters.Add(new NpgsqlParameter { Value = RatingChangeChannel.Encode([userId]), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                await notice.ExecuteNonQueryAsync(ct);
            }
            await transaction.CommitAsync(ct);
            return created;
        }, logger, cancellationToken);
        // This replica at once; the others when the notice reaches them.
        cache.Invalidate(userId);
        return created;
    }

    /// <summary>The user's stored profile; null when they have none.</summary>
    public async Task<UserProfileResponse?> GetAsync(string userId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            SELECT p.attributes::text, p.updated_at FROM user_profiles p JOIN users u ON u.id = p.user_id WHERE u.external_id = $1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = userId, NpgsqlDbType = NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        using var document = JsonDocument.Parse(reader.GetString(0));
        return new UserProfileResponse(userId, document.RootElement.Clone(), reader.GetFieldValue<DateTimeOffset>(1));
    }

    /// <summary>Profile tokens (<see cref="UserAttributeTokens"/>) by external user id of every user whose profile gives any.</summary>
    public async Task<Dictionary<string, string[]>> ReadAllTokensAsync(CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, string[]>(StringComparer.Ordinal);
        await using var command = database.CreateCommand("SELECT u.external_id, p.attributes::text FROM user_profiles p JOIN users u ON u.id = p.user_id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var tokens = UserAttributeTokens.FromJson(reader.GetString(1)).Profile;
            if (tokens.Length > 0) result[reader.GetString(0)] = tokens;
        }
        return result;
    }
}
