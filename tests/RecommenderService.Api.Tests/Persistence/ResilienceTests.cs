using RecommenderService.Api.Items.PopularItems;
using RecommenderService.Api.Model.Loading;

namespace RecommenderService.Api.Tests.Persistence;

/// <summary>The database going away: lists keep coming from memory, writes fail clearly, nothing half-done.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ResilienceTests(PostgresFixture postgres) : IAsyncLifetime
{
    private RecommenderApiFactory _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        _factory = new RecommenderApiFactory(connectionString, new Dictionary<string, string?> { ["RateLimiting:Enabled"] = "false" });
        _client = _factory.CreateClientAsClient();
        var ratings = TestData.PlantedRatings(seed: 5);
        await TestData.InsertRatingsAsync(connectionString, ratings, DateTimeOffset.UtcNow.AddHours(-1));
        await TestData.StoreActiveModelAsync(connectionString, TestData.Train(ratings), DateTimeOffset.UtcNow);
        await _factory.Services.GetRequiredService<ActiveModelLoader>().LoadActiveAsync(CancellationToken.None);
        await _factory.Services.GetRequiredService<PopularityCache>().RefreshAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await SetDatabaseReachableAsync(true);
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task With_the_database_down_lists_come_from_memory_and_writes_get_503_problems()
    {
        var warm = await _client.GetFromJsonAsync<JsonElement>("/api/v1/users/1/recommendations");
        Assert.Equal("model", warm.GetProperty("strategy").GetString());

        await SetDatabaseReachableAsync(false);
        var cached = await _client.GetAsync("/api/v1/users/1/recommendations");
        var uncachedButModelled = await _client.GetAsync("/api/v1/users/2/recommendations");
        var write = await _client.PutAsJsonAsync("/api/v1/users/1/ratings/1", new { rating = 3 });
        var ready = await _client.GetAsync("/health/ready");
        var live = await _client.GetAsync("/health/live");
        await SetDatabaseReachableAsync(true);
        var after = await _client.PutAsJsonAsync("/api/v1/users/1/ratings/1", new { rating = 3 });

        Assert.Equal(HttpStatusCode.OK, cached.StatusCode);
        Assert.Equal("model", (await cached.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("strategy").GetString());
        Assert.Equal(HttpStatusCode.OK, uncachedButModelled.StatusCode);
        Assert.Equal(10, (await uncachedButModelled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").GetArrayLength());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, write.StatusCode);
        Assert.Equal("application/problem+json", write.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.True(after.IsSuccessStatusCode, $"writes work again once the database is back: {after.StatusCode}");
    }

    [Fact]
    public async Task With_the_database_down_the_active_model_route_is_a_503_problem_not_a_500()
    {
        // EF Core wraps the driver's "connection refused" in an InvalidOperationException ("likely due to a
        // transient failure"): it still means the database is unavailable.
        await SetDatabaseReachableAsync(false);
        var model = await _client.GetAsync("/api/v1/model");
        var versions = await _client.GetAsync("/api/v1/model/versions");
        await SetDatabaseReachableAsync(true);

        foreach (var response in new[] { model, versions })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(response.Headers.RetryAfter);
        }
    }

    [Fact]
    public async Task With_the_database_down_a_user_this_replica_never_saw_gets_the_popular_list_marked_degraded()
    {
        var response = await GetDuringOutageAsync("/api/v1/users/never-seen-here/recommendations");

        await AssertDegradedPopularListAsync(response);
    }

    [Fact]
    public async Task With_the_database_down_a_known_user_of_a_model_whose_lists_lost_to_popularity_gets_the_popular_list_marked_degraded()
    {
        // User 81 is in the model but has no ratings in the database, so no cache holds them: serving them needs the database.
        var model = TestData.Train(TestData.PlantedRatings(users: 81, seed: 5));
        Assert.True(model.Users.TryGetIndex("81", out _));
        await TestData.StoreActiveModelAsync(_factory.ConnectionString, model, DateTimeOffset.UtcNow, metrics: """{"rmse": 0.9, "listSource": "popularity"}""");
        await _factory.Services.GetRequiredService<ActiveModelLoader>().LoadActiveAsync(CancellationToken.None);

        var response = await GetDuringOutageAsync("/api/v1/users/81/recommendations");

        await AssertDegradedPopularListAsync(response);
    }

    [Fact]
    public async Task With_the_database_down_the_popular_list_with_attributes_is_served_without_them()
    {
        await TestData.SetItemAttributesAsync(_factory.ConnectionString,
            Enumerable.Range(1, 60).ToDictionary(i => $"{i}", i => $$"""{"shelf": "s{{i % 3}}"}"""));
        var before = await _client.GetFromJsonAsync<JsonElement>("/api/v1/items/popular?count=10&include=attributes");

        var during = await GetDuringOutageAsync("/api/v1/items/popular?count=10&include=attributes");

        Assert.All(before.GetProperty("items").EnumerateArray(), item => Assert.True(item.TryGetProperty("attributes", out _)));
        Assert.Equal(HttpStatusCode.OK, during.StatusCode);
        var items = (await during.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items");
        Assert.Equal(ItemIds(before.GetProperty("items")), ItemIds(items));
        Assert.All(items.EnumerateArray(), item => Assert.False(item.TryGetProperty("attributes", out var attributes) && attributes.ValueKind != JsonValueKind.Null));
    }

    private static async Task AssertDegradedPopularListAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("popularity", body.GetProperty("strategy").GetString());
        Assert.Equal(10, body.GetProperty("items").GetArrayLength());
        Assert.Equal("database-unavailable", Assert.Single(response.Headers.GetValues("Recommendation-Degraded")));
    }

    private static string[] ItemIds(JsonElement items) => items.EnumerateArray().Select(item => item.GetProperty("itemId").GetString()!).ToArray();

    /// <summary>One GET with the database unreachable, which is reachable again before the caller asserts.</summary>
    private async Task<HttpResponseMessage> GetDuringOutageAsync(string path)
    {
        await SetDatabaseReachableAsync(false);
        var response = await _client.GetAsync(path);
        await SetDatabaseReachableAsync(true);
        return response;
    }

    private Task SetDatabaseReachableAsync(bool reachable) => DatabaseOutage.SetReachableAsync(postgres, _factory.ConnectionString, reachable);
}
