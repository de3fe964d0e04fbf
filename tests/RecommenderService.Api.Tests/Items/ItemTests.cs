using RecommenderService.Api.Items.PopularItems;
using RecommenderService.Engine;

namespace RecommenderService.Api.Tests.Items;

[Collection(PostgresCollection.Name)]
public sealed class ItemTests(PostgresFixture postgres) : ServiceTests(postgres)
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        // Hand-checkable popularity: C = 10 (default), μ = (5*20 + 4*2 + 2*10 + 3*1) / 33.
        var ratings = new RatingSetBuilder();
        for (var k = 0; k < 20; k++) ratings.Add($"u{k}", "steady", 5f);
        for (var k = 0; k < 2; k++) ratings.Add($"u{k}", "niche", 4f);
        for (var k = 0; k < 10; k++) ratings.Add($"u{k}", "flop", 2f);
        ratings.Add("u0", "single", 3f);
        await TestData.InsertRatingsAsync(Factory.ConnectionString, ratings.Build(), DateTimeOffset.UtcNow);
        await Factory.Services.GetRequiredService<PopularityCache>().RefreshAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Popular_items_are_ranked_by_damped_mean()
    {
        var popular = await Client.GetFromJsonAsync<JsonElement>("/api/v1/items/popular?count=4");

        const double mu = (5.0 * 20 + 4 * 2 + 2 * 10 + 3) / 33;
        double Damped(double sum, int n) => (10 * mu + sum) / (10 + n);
        var items = popular.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal("popularity", popular.GetProperty("strategy").GetString());
        Assert.Equal(["steady", "niche", "single", "flop"], items.Select(i => i.GetProperty("itemId").GetString()));
        Assert.Equal(Damped(100, 20), items[0].GetProperty("score").GetDouble(), 3);
        Assert.Equal(Damped(8, 2), items[1].GetProperty("score").GetDouble(), 3);
        Assert.Equal(20, items[0].GetProperty("ratingCount").GetInt32());
    }

    [Fact]
    public async Task Popular_items_honour_the_count_bounds()
    {
        var two = await Client.GetFromJsonAsync<JsonElement>("/api/v1/items/popular?count=2");
        var tooMany = await Client.GetAsync("/api/v1/items/popular?count=101");

        Assert.Equal(2, two.GetProperty("items").GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Equal("application/problem+json", tooMany.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Putting_an_item_creates_then_replaces_its_catalogue_data()
    {
        var created = await Client.PutAsJsonAsync("/api/v1/items/film-1", new { title = "Inception", attributes = new { genres = new[] { "Sci-Fi" } } });
        var replaced = await Client.PutAsJsonAsync("/api/v1/items/film-1", new { title = "Inception (2010)" });
        var item = await Client.GetFromJsonAsync<JsonElement>("/api/v1/items/film-1");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal("Inception (2010)", item.GetProperty("title").GetString());
        Assert.Equal(JsonValueKind.Null, item.GetProperty("attributes").ValueKind);
        Assert.Equal(0, item.GetProperty("ratingCount").GetInt32());
    }

    [Fact]
    public async Task An_item_reports_its_rating_count_and_mean()
    {
        var put = await Client.PutAsJsonAsync("/api/v1/items/niche", new { title = "Niche", attributes = new { genres = new[] { "Drama" }, year = 1999 } });
        var item = await Client.GetFromJsonAsync<JsonElement>("/api/v1/items/niche");

        Assert.Equal(HttpStatusCode.OK, put.StatusCode); // existed already: created by its ratings
        Assert.Equal("Niche", item.GetProperty("title").GetString());
        Assert.Equal(1999, item.GetProperty("attributes").GetProperty("year").GetInt32());
        Assert.Equal(2, item.GetProperty("ratingCount").GetInt32());
        Assert.Equal(4.0, item.GetProperty("meanRating").GetDouble(), 6);
    }

    [Fact]
    public async Task An_unknown_item_is_a_404_problem()
    {
        var response = await Client.GetAsync("/api/v1/items/never-catalogued");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("""{"title": "x", "attributes": [1, 2]}""", "attributes")]
    [InlineData("""{"title": "x", "attributes": "genres"}""", "attributes")]
    public async Task Attributes_that_are_not_a_json_object_are_refused_and_nothing_is_stored(string body, string field)
    {
        var response = await Client.PutAsync("/api/v1/items/bad-attrs", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/api/v1/items/bad-attrs")).StatusCode);
    }

    [Fact]
    public async Task A_title_over_1000_characters_is_refused()
    {
        var response = await Client.PutAsJsonAsync("/api/v1/items/long-title", new { title = new string('t', 1001) });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem_that_says_where()
    {
        var response = await Client.PutAsync("/api/v1/items/broken", new StringContent("{\"title\": ", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Similar_items_without_an_active_model_is_a_409_problem()
    {
        var response = await Client.GetAsync("/api/v1/items/steady/similar");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("No model is active", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Similar_items_of_an_unknown_item_is_a_404_problem()
    {
        var response = await Client.GetAsync("/api/v1/items/ghost/similar");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Client_keys_are_rate_limited_and_get_a_429_problem_with_retry_after()
    {
        await using var limited = new RecommenderApiFactory(Factory.ConnectionString, new Dictionary<string, string?>
        {
            ["RateLimiting:ClientPermitsPerSecond"] = "1",
            ["RateLimiting:ClientBurst"] = "2",
        });
        var client = limited.CreateClientAsClient();
        var admin = limited.CreateClientAsAdmin();

        var statuses = new List<HttpStatusCode>();
        for (var k = 0; k < 4; k++) statuses.Add((await client.GetAsync("/api/v1/items/popular")).StatusCode);
        var rejected = await client.GetAsync("/api/v1/items/popular");
        var adminStatuses = new List<HttpStatusCode>();
        for (var k = 0; k < 5; k++) adminStatuses.Add((await admin.GetAsync("/api/v1/items/popular")).StatusCode);

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, rejected.StatusCode);
        Assert.Equal("application/problem+json", rejected.Content.Headers.ContentType?.MediaType);
        Assert.True(rejected.Headers.RetryAfter is not null);
        Assert.All(adminStatuses, s => Assert.Equal(HttpStatusCode.OK, s));
    }
}
