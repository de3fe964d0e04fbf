using Npgsql;
using NpgsqlTypes;

namespace RecommenderService.Api.Ratings;

/// <summary>
/// A user's ratings, newest first, in keyset pages: each page continues strictly after the cursor's
/// (rated_at, item), so writes between pages never repeat or skip a rating that did not move.
/// </summary>
public sealed class UserRatingList(NpgsqlDataSource dataSource)
{
    private const string PageSql = """
        SELECT i.external_id, r.value, r.rated_at, r.item_id
        FROM ratings r
        JOIN items i ON i.id = r.item_id
        WHERE r.user_id = (SELECT id FROM users WHERE external_id = $1)
          AND ($2::timestamptz IS NULL OR (r.rated_at, r.item_id) < ($2, $3))
        ORDER BY r.rated_at DESC, r.item_id DESC
        LIMIT $4
        """;

    /// <summary>An unknown user has no ratings: an empty page, like any user who has not rated yet.</summary>
    public async Task<UserRatingsPage> PageAsync(string userId, int limit, RatingCursor? after, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(PageSql);
        command.Parameters.Add(new NpgsqlParameter { Value = userId, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = after is { } c ? c.RatedAt : DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = after?.ItemKey ?? 0, NpgsqlDbType = NpgsqlDbType.Integer });
        // One more than asked tells whether another page follows without a count.
        command.Parameters.Add(new NpgsqlParameter { Value = limit + 1, NpgsqlDbType = NpgsqlDbType.Integer });

        var items = new List<UserRatingItem>(Math.Min(limit, 256));
        RatingCursor last = default;
        var more = false;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (items.Count == limit)
            {
                more = true;
                break;
            }
            var ratedAt = reader.GetDateTime(2);
            items.Add(new UserRatingItem(reader.GetString(0), reader.GetFloat(1), ratedAt));
            last = new RatingCursor(ratedAt, reader.GetInt32(3));
        }
        return new UserRatingsPage(items, more ? last.Encode() : null);
    }
}
