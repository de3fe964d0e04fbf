using System.Buffers;
using Npgsql;
using RecommenderService.Api.Outcomes.Impressions;
using RecommenderService.Api.Tests.Support;
using RecommenderService.Api.Validation;

namespace RecommenderService.Api.Tests.Outcomes;

/// <summary>The writer's own binary COPY encoding, read back by PostgreSQL field for field.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ImpressionCopyRowsTests(PostgresFixture postgres) : ServiceTests(postgres)
{
    // The service records nothing itself here: the table holds only what the test copies in.
    protected override Dictionary<string, string?> Settings => new() { ["RateLimiting:Enabled"] = "false", ["Outcomes:RecordImpressions"] = "false" };

    [Fact]
    public async Task Encoded_impressions_are_stored_as_served_with_nulls_empty_and_long_lists_and_any_characters()
    {
        var servedAt = new DateTimeOffset(2026, 12, 8, 4, 30, 15, TimeSpan.FromHours(2)).AddTicks(1_234_567);
        var longList = Enumerable.Range(0, ListLimits.MaxCount).Select(k => $"item-{k}").ToArray();
        Impression[] batch =
        [
            new(Guid.CreateVersion7(), "user-ü-東京", "recommendations", "model", "ranking_head", 7, 42, "treatment",
                ListedItems.Of(["a", "b-é", "c"]), servedAt),
            new(Guid.CreateVersion7(), null, "popular", "popularity", "popularity", null, null, null, ListedItems.Of([]), servedAt.AddDays(-400)),
            new(Guid.CreateVersion7(), "u2", "similar", "similar", "item_factors", 3, null, null, ListedItems.Of(longList), servedAt),
        ];

        var rows = new ArrayBufferWriter<byte>();
        ImpressionCopyRows.Write(rows, [.. batch]);
        await using var connection = new NpgsqlConnection(Factory.ConnectionString);
        await connection.OpenAsync();
        await using (var copy = await connection.BeginRawBinaryCopyAsync(ImpressionCopyRows.Sql))
            await copy.WriteAsync(rows.WrittenMemory);

        foreach (var sent in batch)
        {
            await using var read = new NpgsqlCommand(
                "SELECT user_id, list, strategy, source, model_version, experiment_id, arm, items, served_at FROM impressions WHERE id = $1", connection);
            read.Parameters.Add(new NpgsqlParameter { Value = sent.Id });
            await using var reader = await read.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync(), $"impression {sent.Id} was not stored");
            Assert.Equal(sent.UserId, reader.IsDBNull(0) ? null : reader.GetString(0));
            Assert.Equal((sent.List, sent.Strategy, sent.Source), (reader.GetString(1), reader.GetString(2), reader.GetString(3)));
            Assert.Equal(sent.ModelVersion, reader.IsDBNull(4) ? null : reader.GetInt32(4));
            Assert.Equal(sent.ExperimentId, reader.IsDBNull(5) ? null : reader.GetInt64(5));
            Assert.Equal(sent.Arm, reader.IsDBNull(6) ? null : reader.GetString(6));
            Assert.Equal(Enumerable.Range(0, sent.Items.Count).Select(k => sent.Items[k]), reader.GetFieldValue<string[]>(7));
            // PostgreSQL keeps microseconds.
            Assert.Equal(sent.ServedAt.UtcTicks / 10 * 10, reader.GetFieldValue<DateTimeOffset>(8).UtcTicks);
        }
    }
}
