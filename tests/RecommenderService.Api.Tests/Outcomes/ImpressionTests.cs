using RecommenderService.Api.Tests.Observability;
using RecommenderService.Engine;

namespace RecommenderService.Api.Tests.Outcomes;

/// <summary>Every list answer carries an id, and the list behind it is recorded off the request path.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ImpressionTests(PostgresFixture postgres) : TrainedServiceTests(postgres)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    protected override RatingSet Seed() => TestData.PlantedRatings(seed: 11);

    [Fact]
    public async Task Every_list_answer_carries_its_own_recommendation_id()
    {
        var user = Ratings.Users[0];
        var item = Model.Items[3];

        var first = await Client.GetFromJsonAsync<JsonElement>($"/api/v1/users/{user}/recommendations?count=5");
        var second = await Client.GetFromJsonAsync<JsonElement>($"/api/v1/users/{user}/recommendations?count=5");
        var popular = await Client.GetFromJsonAsync<JsonElement>("/api/v1/items/popular?count=5");
        var similar = await Client.GetFromJsonAsync<JsonElement>($"/api/v1/items/{item}/similar?count=5");

        var ids = new[] { first, second, popular, similar }.Select(r => r.GetProperty("recommendationId").GetString()!).ToList();
        Assert.All(ids, id => Assert.True(Guid.TryParseExact(id, "D", out _), id));
        Assert.Equal(4, ids.Distinct().Count());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("experimentArm").ValueKind);
    }

    [Fact]
    public async Task A_served_list_is_recorded_with_its_items_in_order_its_version_strategy_and_source()
    {
        var user = Ratings.Users[0];

        var list = await Client.GetFromJsonAsync<JsonElement>($"/api/v1/users/{user}/recommendations?count=7");

        var id = Guid.Parse(list.GetProperty("recommendationId").GetString()!);
        var row = await WaitForImpressionAsync(id);
        Assert.NotNull(row);
        Assert.Equal(user, row.Value.UserId);
        Assert.Equal("recommendations", row.Value.List);
        Assert.Equal(list.GetProperty("strategy").GetString(), row.Value.Strategy);
        Assert.Equal(Model.Ranking is null ? "rating_head" : "ranking_head", row.Value.Source);
        Assert.Equal(Version, row.Value.ModelVersion);
        Assert.Equal(list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("itemId").GetString()), row.Value.Items);
        Assert.Null(row.Value.Arm);
    }

    [Fact]
    public async Task Popular_and_similar_lists_are_recorded_without_a_user()
    {
        var popular = await Client.GetFromJsonAsync<JsonElement>("/api/v1/items/popular?count=4");
        var similar = await Client.GetFromJsonAsync<JsonElement>($"/api/v1/items/{Model.Items[2]}/similar?count=4");

        var popularRow = await WaitForImpressionAsync(Guid.Parse(popular.GetProperty("recommendationId").GetString()!));
        var similarRow = await WaitForImpressionAsync(Guid.Parse(similar.GetProperty("recommendationId").GetString()!));
        Assert.Equal(("popular", "popularity", "popularity", (string?)null), (popularRow!.Value.List, popularRow.Value.Strategy, popularRow.Value.Source, popularRow.Value.UserId));
        Assert.Equal(("similar", "similar", "item_factors", Version), (similarRow!.Value.List, similarRow.Value.Strategy, similarRow.Value.Source, similarRow.Value.ModelVersion));
        Assert.Equal(4, similarRow.Value.Items.Length);
    }

    [Fact]
    public async Task A_revalidated_popular_list_keeps_its_etag_and_records_no_second_impression()
    {
        var first = await Client.GetAsync("/api/v1/items/popular?count=5");
        var id = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("recommendationId").GetString()!;
        Assert.NotNull(await WaitForImpressionAsync(Guid.Parse(id)));

        var again = new HttpRequestMessage(HttpMethod.Get, "/api/v1/items/popular?count=5");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        var revalidated = await Client.SendAsync(again);
        var fresh = await Client.GetAsync("/api/v1/items/popular?count=5");
        var freshId = (await fresh.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("recommendationId").GetString()!;
        Assert.NotNull(await WaitForImpressionAsync(Guid.Parse(freshId)));

        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        Assert.Equal(first.Headers.ETag, fresh.Headers.ETag);
        Assert.NotEqual(id, freshId);
        Assert.Equal(2, await TestData.ScalarAsync(Factory.ConnectionString, "SELECT count(*) FROM impressions WHERE list = 'popular'"));
    }

    [Fact]
    public async Task Impressions_that_cannot_be_written_are_counted_and_logged_as_dropped_while_lists_and_ratings_still_work()
    {
        var user = Ratings.Users[1];
        await ExecuteAsync("ALTER TABLE impressions RENAME TO impressions_away");
        var before = await MetricsText.ScrapeAsync(Client);

        var list = await Client.GetAsync($"/api/v1/users/{user}/recommendations?count=5");
        var rating = await Client.PutAsJsonAsync($"/api/v1/users/{user}/ratings/{Model.Items[0]}", new { rating = 4 });

        const string dropped = "recommender_impressions_dropped_total{reason=\"write_failed\"}";
        Assert.True(await Eventually.TrueWithinAsync(Deadline, async () => (await MetricsText.ScrapeAsync(Client))[dropped] > before[dropped]),
            "the failed write was not counted");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.True(rating.IsSuccessStatusCode);
        await ExecuteAsync("ALTER TABLE impressions_away RENAME TO impressions");
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<StoredImpression?> WaitForImpressionAsync(Guid id)
    {
        StoredImpression? found = null;
        await Eventually.TrueWithinAsync(Deadline, async () => (found = await ReadAsync(Factory.ConnectionString, id)) is not null);
        return found;
    }

    internal static async Task<StoredImpression?> ReadAsync(string connectionString, Guid id)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT user_id, list, strategy, source, model_version, arm, items FROM impressions WHERE id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) return null;
        return new StoredImpression(reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetFieldValue<string[]>(6));
    }

    internal readonly record struct StoredImpression(string? UserId, string List, string Strategy, string Source, int? ModelVersion, string? Arm, string[] Items);
}

/// <summary>With <c>Outcomes:RecordImpressions=false</c> lists keep their ids and nothing is recorded.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ImpressionsOffTests(PostgresFixture postgres) : TrainedServiceTests(postgres)
{
    protected override Dictionary<string, string?> Settings => new() { ["RateLimiting:Enabled"] = "false", ["Outcomes:RecordImpressions"] = "false" };

    [Fact]
    public async Task Lists_carry_ids_but_no_impression_is_recorded()
    {
        var list = await Client.GetFromJsonAsync<JsonElement>($"/api/v1/users/{Ratings.Users[0]}/recommendations?count=5");
        await Client.GetFromJsonAsync<JsonElement>("/api/v1/items/popular?count=5");
        var metrics = await MetricsText.ScrapeAsync(Client);

        Assert.False(string.IsNullOrEmpty(list.GetProperty("recommendationId").GetString()));
        Assert.Equal(0, metrics["recommender_impressions_recorded_total"]);
        Assert.Equal(0, await TestData.ScalarAsync(Factory.ConnectionString, "SELECT count(*) FROM impressions"));
    }
}
