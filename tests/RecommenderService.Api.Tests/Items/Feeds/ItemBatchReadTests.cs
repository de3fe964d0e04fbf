namespace RecommenderService.Api.Tests.Items.Feeds;

/// <summary><c>GET /api/v1/items?ids=a,b,c</c>: a page's items in one request, unknown ids left out.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ItemBatchReadTests(PostgresFixture postgres) : ServiceTests(postgres)
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        (await Client.PutAsJsonAsync("/api/v1/items/a", new { title = "Alpha", attributes = new { genres = new[] { "Drama" } } })).EnsureSuccessStatusCode();
        (await Client.PutAsJsonAsync("/api/v1/items/b", new { title = "Beta" })).EnsureSuccessStatusCode();
        (await Client.PutAsJsonAsync("/api/v1/users/u1/ratings/b", new { rating = 4 })).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Known_items_come_back_in_the_asked_order_and_unknown_ones_are_left_out()
    {
        var body = await Client.GetFromJsonAsync<JsonElement>("/api/v1/items?ids=b,ghost,a,b");

        var items = body.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["b", "a"], items.Select(i => i.GetProperty("itemId").GetString()));
        Assert.Equal("Beta", items[0].GetProperty("title").GetString());
        Assert.Equal(1, items[0].GetProperty("ratingCount").GetInt32());
        Assert.Equal(4, items[0].GetProperty("meanRating").GetDouble());
        Assert.Equal("Drama", items[1].GetProperty("attributes").GetProperty("genres")[0].GetString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("?ids=")]
    [InlineData("?ids=a,,b")]
    public async Task Missing_or_empty_ids_are_a_400_problem(string query)
    {
        var response = await Client.GetAsync("/api/v1/items" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task More_than_100_ids_are_a_400_problem()
    {
        var ids = string.Join(",", Enumerable.Range(0, 101).Select(k => $"i{k}"));

        var response = await Client.GetAsync("/api/v1/items?ids=" + ids);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
