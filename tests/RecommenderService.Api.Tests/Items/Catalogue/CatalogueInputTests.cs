namespace RecommenderService.Api.Tests.Items.Catalogue;

/// <summary>Bad catalogue input: a 400 problem with an <c>errors</c> map, and nothing stored.</summary>
[Collection(PostgresCollection.Name)]
public sealed class CatalogueInputTests(PostgresFixture postgres) : IAsyncLifetime
{
    private RecommenderApiFactory _host = null!;
    private HttpClient _client = null!;
    private string _database = null!;

    public async Task InitializeAsync()
    {
        _database = await postgres.CreateDatabaseAsync();
        _host = new RecommenderApiFactory(_database, new Dictionary<string, string?> { ["RateLimiting:Enabled"] = "false" });
        _client = _host.CreateClientAsClient();
        (await _client.PutAsJsonAsync("/api/v1/items/kept", new { title = "Kept", available = true })).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task<long> ItemCountAsync() => TestData.ScalarAsync(_database, "SELECT count(*) FROM items");

    private static async Task<JsonElement> ErrorsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
    }

    [Fact]
    public async Task An_end_before_the_start_is_refused_and_nothing_is_stored()
    {
        var response = await _client.PutAsJsonAsync("/api/v1/items/kept", new
        {
            title = "Changed", available = true,
            availableFrom = DateTimeOffset.UtcNow.AddDays(2), availableUntil = DateTimeOffset.UtcNow.AddDays(1),
        });

        Assert.True((await ErrorsAsync(response)).TryGetProperty("availableUntil", out _));
        var stored = await _client.GetFromJsonAsync<JsonElement>("/api/v1/items/kept");
        Assert.Equal("Kept", stored.GetProperty("title").GetString());
        Assert.Equal(JsonValueKind.Null, stored.GetProperty("availableFrom").ValueKind);
    }

    [Fact]
    public async Task A_batch_of_1001_items_is_refused_and_nothing_is_stored()
    {
        var items = Enumerable.Range(0, 1001).Select(k => new { itemId = $"bulk-{k}", available = false });

        var response = await _client.PostAsJsonAsync("/api/v1/items/batch", new { items });

        Assert.True((await ErrorsAsync(response)).TryGetProperty("items", out _));
        Assert.Equal(1, await ItemCountAsync());
    }

    [Fact]
    public async Task A_batch_with_one_bad_id_is_refused_whole_and_names_the_entry()
    {
        var items = new object[]
        {
            new { itemId = "fine-1", title = "Fine" },
            new { itemId = "has space", title = "Bad" },
            new { itemId = "fine-2", available = true, availableFrom = DateTimeOffset.UtcNow, availableUntil = DateTimeOffset.UtcNow.AddDays(-1) },
        };

        var response = await _client.PostAsJsonAsync("/api/v1/items/batch", new { items });

        var errors = await ErrorsAsync(response);
        Assert.True(errors.TryGetProperty("items[1].itemId", out _), errors.ToString());
        Assert.True(errors.TryGetProperty("items[2].availableUntil", out _), errors.ToString());
        Assert.Equal(1, await ItemCountAsync());
    }

    [Theory]
    [InlineData("/api/v1/items?available=maybe", "available")]
    [InlineData("/api/v1/items?available=false&cursor=not-a-cursor", "cursor")]
    [InlineData("/api/v1/items?available=false&limit=0", "limit")]
    [InlineData("/api/v1/items?available=true", "ids")]
    public async Task A_bad_retired_listing_query_is_refused(string path, string field)
    {
        var errors = await ErrorsAsync(await _client.GetAsync(path));

        Assert.True(errors.TryGetProperty(field, out _), errors.ToString());
    }

    [Fact]
    public async Task Erasing_needs_the_admin_key_and_an_unknown_item_is_404()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await _client.DeleteAsync("/api/v1/items/kept")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.CreateClientAsAdmin().DeleteAsync("/api/v1/items/never-seen")).StatusCode);
        Assert.Equal(1, await ItemCountAsync());
    }
}
