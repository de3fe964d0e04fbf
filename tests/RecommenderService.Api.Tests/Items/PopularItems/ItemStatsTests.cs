using RecommenderService.Api.Items.PopularItems;

namespace RecommenderService.Api.Tests.Items.PopularItems;

/// <summary>
/// The per-item rating statistics that popularity and item reads use are maintained as ratings change;
/// after any mix of writes they equal a fresh GROUP BY over the ratings, in total and per day.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ItemStatsTests(PostgresFixture postgres) : ServiceTests(postgres)
{
    [Fact]
    public async Task After_puts_replaces_deletes_batches_an_import_and_an_erasure_the_stats_equal_a_fresh_group_by()
    {
        // Puts, on two different days, then replacements (a new value, and a new value on a new day).
        await PutAsync("u1", "a", 4, "2026-01-01T10:00:00Z");
        await PutAsync("u1", "b", 2, "2026-01-02T10:00:00Z");
        await PutAsync("u2", "a", 5, "2026-01-02T23:59:59Z");
        await PutAsync("u1", "a", 1, "2026-01-01T11:00:00Z");
        await PutAsync("u2", "a", 3, "2026-01-05T00:00:00Z");
        await PutAsync("u3", "c", 3, null);
        // A batch that inserts and replaces, with a pair twice (the last row wins).
        (await Client.PostAsJsonAsync("/api/v1/ratings/batch", new
        {
            ratings = new object[]
            {
                new { userId = "u1", itemId = "c", rating = 5 },
                new { userId = "u3", itemId = "c", rating = 1, timestamp = "2026-01-03T00:00:00Z" },
                new { userId = "u4", itemId = "a", rating = 2 },
                new { userId = "u4", itemId = "a", rating = 4 },
                new { userId = "u4", itemId = "d", rating = 3.5 },
            },
        })).EnsureSuccessStatusCode();
        // A deletion, and the deletion of a pair that does not exist (changes nothing).
        (await Client.DeleteAsync("/api/v1/users/u1/ratings/b")).EnsureSuccessStatusCode();
        await Client.DeleteAsync("/api/v1/users/u1/ratings/zzz");
        // An import: new users, and known users whose pairs it replaces (both of the importer's paths).
        // (1577836800 is 2020-01-01: older than any window, it counts in the totals only.)
        var csv = new StringBuilder("u2,a,2,1767225600\nu2,e,4\nu4,d,1,1767312000\nn1,a,5\nn1,e,3,1767398400\nn2,e,2\nn2,e,4\nn2,old,4,1577836800\nu1,old,2,1577836800\n");
        for (var u = 0; u < 50; u++) csv.Append($"bulk-{u},i{u % 7},{1 + u % 5}\n");
        (await Admin.PostAsync("/api/v1/ratings/import", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"))).EnsureSuccessStatusCode();
        await AssertStatsMatchRatingsAsync("after puts, replaces, deletes, a batch and an import");

        (await Admin.DeleteAsync("/api/v1/users/u4")).EnsureSuccessStatusCode();
        await AssertStatsMatchRatingsAsync("after an erasure");

        // Folding the pending changes into the tables changes no figure; later changes add to folded rows.
        await Factory.Services.GetRequiredService<ItemStatsCompactor>().CompactAsync(CancellationToken.None);
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM item_stat_changes"));
        await AssertStatsMatchRatingsAsync("after compaction");
        (await Admin.DeleteAsync("/api/v1/users/n1")).EnsureSuccessStatusCode();
        await PutAsync("u2", "e", 1, "2026-01-09T00:00:00Z");
        await AssertStatsMatchRatingsAsync("after writes on compacted rows");
        await Factory.Services.GetRequiredService<ItemStatsCompactor>().CompactAsync(CancellationToken.None);
        await AssertStatsMatchRatingsAsync("after a second compaction");
    }

    [Fact]
    public async Task Truncating_the_ratings_empties_the_stats_and_the_popular_list()
    {
        await PutAsync("t1", "gone", 4, null);
        await Factory.Services.GetRequiredService<ItemStatsCompactor>().CompactAsync(CancellationToken.None);
        await PutAsync("t2", "gone", 5, null);

        await ScalarAsync("TRUNCATE ratings");
        var popular = await Factory.Services.GetRequiredService<PopularityCache>().RefreshAsync(CancellationToken.None);

        Assert.Equal(0, await ScalarAsync("SELECT (SELECT count(*) FROM item_stats) + (SELECT count(*) FROM item_daily_stats) + (SELECT count(*) FROM item_stat_changes)"));
        Assert.Empty(popular.ItemIds);
    }

    [Fact]
    public async Task An_item_read_reports_the_count_and_mean_of_its_current_ratings()
    {
        await PutAsync("x1", "shown", 4, null);
        await PutAsync("x2", "shown", 2, null);
        await PutAsync("x3", "shown", 5, null);
        await PutAsync("x3", "shown", 3, null);
        (await Client.DeleteAsync("/api/v1/users/x1/ratings/shown")).EnsureSuccessStatusCode();

        var item = await Client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/items/shown");

        Assert.Equal(2, item.GetProperty("ratingCount").GetInt32());
        Assert.Equal(2.5, item.GetProperty("meanRating").GetDouble());
    }

    private async Task PutAsync(string user, string item, double rating, string? timestamp)
    {
        var response = await Client.PutAsJsonAsync($"/api/v1/users/{user}/ratings/{item}",
            timestamp is null ? new { rating, timestamp = (string?)null } : new { rating, timestamp = (string?)timestamp });
        response.EnsureSuccessStatusCode();
    }

    private async Task AssertStatsMatchRatingsAsync(string when)
    {
        // Liked counts are kept by the threshold the service stores on its first refresh (4 here); set now if not yet.
        await Factory.Services.GetRequiredService<LikedCountThreshold>().EnsureAsync(CancellationToken.None);
        var expectedLiked = await RowsAsync("SELECT item_id::text, count(*) FILTER (WHERE value >= 4), 0::float8 FROM ratings GROUP BY 1");
        var actualLiked = await RowsAsync("""
            SELECT item_id::text, sum(liked_count), 0::float8 FROM (
                SELECT item_id, rating_count, liked_count FROM item_stats
                UNION ALL SELECT item_id, rating_count, liked_count FROM item_stat_changes) s
            GROUP BY 1 HAVING sum(rating_count) <> 0
            """);
        AssertSame(expectedLiked, actualLiked, $"liked counts {when}");
        var expectedTotals = await RowsAsync("SELECT item_id::text, count(*), sum(value::float8) FROM ratings GROUP BY 1");
        var actualTotals = await RowsAsync("""
            SELECT item_id::text, sum(rating_count), sum(rating_sum) FROM (
                SELECT item_id, rating_count, rating_sum FROM item_stats
                UNION ALL SELECT item_id, rating_count, rating_sum FROM item_stat_changes) s
            GROUP BY 1 HAVING sum(rating_count) <> 0
            """);
        // Per day only for ratings dated within the last 366 days (the longest window is 365).
        var expectedDays = await RowsAsync("""
            SELECT item_id || '@' || (rated_at AT TIME ZONE 'UTC')::date, count(*), sum(value::float8) FROM ratings
            WHERE (rated_at AT TIME ZONE 'UTC')::date >= (now() AT TIME ZONE 'UTC')::date - 366 GROUP BY 1
            """);
        var actualDays = await RowsAsync("""
            SELECT item_id || '@' || day, sum(rating_count), sum(rating_sum) FROM (
                SELECT item_id, day, rating_count, rating_sum FROM item_daily_stats
                UNION ALL SELECT item_id, day, rating_count, rating_sum FROM item_stat_changes WHERE day IS NOT NULL) s
            GROUP BY 1 HAVING sum(rating_count) <> 0
            """);
        AssertSame(expectedTotals, actualTotals, $"totals {when}");
        AssertSame(expectedDays, actualDays, $"per-day figures {when}");
    }

    private static void AssertSame(Dictionary<string, (long Count, double Sum)> expected, Dictionary<string, (long Count, double Sum)> actual, string what)
    {
        Assert.True(expected.Count > 0, $"{what}: no ratings at all");
        Assert.True(expected.Keys.Order().SequenceEqual(actual.Keys.Order()),
            $"{what}: keys differ; expected [{string.Join(", ", expected.Keys.Order())}], got [{string.Join(", ", actual.Keys.Order())}]");
        foreach (var (key, (count, sum)) in expected)
        {
            Assert.True(count == actual[key].Count, $"{what}: {key} count {actual[key].Count}, expected {count}");
            Assert.True(Math.Abs(sum - actual[key].Sum) < 1e-9, $"{what}: {key} sum {actual[key].Sum}, expected {sum}");
        }
    }

    private async Task<Dictionary<string, (long, double)>> RowsAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<string, (long, double)>();
        while (await reader.ReadAsync()) rows[reader.GetString(0)] = (Convert.ToInt64(reader.GetValue(1)), Convert.ToDouble(reader.GetValue(2)));
        return rows;
    }

    private Task<long> ScalarAsync(string sql) => TestData.ScalarAsync(Factory.ConnectionString, sql);
}
