using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;
using RecommenderService.Api.Ratings;

namespace RecommenderService.Api.Dashboard;

/// <summary>
/// How an item's ratings spread over the scale: a count per value, every whole star of the scale included (at 0
/// when nobody gave it) and any other value the ratings hold (half stars) in its place.
/// </summary>
public sealed class ItemRatingHistogram(NpgsqlDataSource database, IOptions<RatingScaleOptions> scale)
{
    public async Task<List<(string Label, long Count)>> ReadAsync(string itemId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            SELECT r.value, count(*) FROM ratings r
            WHERE r.item_id = (SELECT id FROM items WHERE external_id = $1)
            GROUP BY r.value
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = itemId });
        var counts = new SortedDictionary<float, long>();
        for (var star = MathF.Ceiling(scale.Value.Min); star <= scale.Value.Max; star++) counts[star] = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) counts[reader.GetFloat(0)] = reader.GetInt64(1);
        return counts.Select(c => (c.Key.ToString("0.##", CultureInfo.InvariantCulture), c.Value)).ToList();
    }
}
