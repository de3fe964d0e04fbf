using Npgsql;

using RecommenderService.Api.Recommendations.Feeds;

namespace RecommenderService.Api.Recommendations.SimilarItems;

/// <summary>
/// Why items are similar to one item (<c>include=reasons</c> on similar items): the attributes they share with it,
/// from the catalogue, and how many users rated both, counted by PostgreSQL from the current ratings.
/// </summary>
public sealed class SimilarityReasonsReader(NpgsqlDataSource database, ItemAttributeIndex attributes)
{
    // One pass over the raters of the item (its index on item_id), each joined to the others by the ratings' key.
    private const string RatedByBothSql = """
        SELECT o.external_id, count(*)::int
        FROM items t
        JOIN ratings a ON a.item_id = t.id
        JOIN items o ON o.external_id = ANY($2)
        JOIN ratings b ON b.user_id = a.user_id AND b.item_id = o.id
        WHERE t.external_id = $1
        GROUP BY o.external_id
        """;

    /// <summary>The reasons of each of <paramref name="similarIds"/>, in their order.</summary>
    public async Task<SimilarityReasons[]> ForAsync(string itemId, IReadOnlyList<string> similarIds, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, int>(similarIds.Count, StringComparer.Ordinal);
        await using (var command = database.CreateCommand(RatedByBothSql))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = itemId });
            command.Parameters.Add(new NpgsqlParameter { Value = similarIds.ToArray() });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) counts[reader.GetString(0)] = reader.GetInt32(1);
        }
        var found = await attributes.AttributesAsync([itemId, .. similarIds], cancellationToken);
        var result = new SimilarityReasons[similarIds.Count];
        for (var k = 0; k < result.Length; k++)
            result[k] = new SimilarityReasons(SharedAttributes.Between(found[0], found[k + 1]), counts.GetValueOrDefault(similarIds[k]));
        return result;
    }
}
