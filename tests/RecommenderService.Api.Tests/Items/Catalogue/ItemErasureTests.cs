namespace RecommenderService.Api.Tests.Items.Catalogue;

/// <summary>
/// Erasing an item with two replicas: its row, attributes and ratings go in one transaction, its statistics follow,
/// and no replica serves it or its vectors again: not the other one, not one started later, not after the id is
/// stored again, and not from a model older than the erasure.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ItemErasureTests(PostgresFixture postgres) : IAsyncLifetime
{
    private CatalogueReplicas _replicas = null!;
    private HttpClient _writer = null!;
    private HttpClient _reader = null!;

    public async Task InitializeAsync()
    {
        _replicas = await CatalogueReplicas.StartAsync(postgres);
        _writer = _replicas.Writer.CreateClientAsAdmin();
        _reader = _replicas.Reader.CreateClientAsClient();
    }

    public async Task DisposeAsync() => await _replicas.DisposeAsync();

    private async Task<string[]> RatersAsync(string itemId)
    {
        var raters = new List<string>();
        await using var connection = new NpgsqlConnection(_replicas.Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT u.external_id FROM ratings r JOIN users u ON u.id = r.user_id JOIN items i ON i.id = r.item_id WHERE i.external_id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = itemId });
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) raters.Add(reader.GetString(0));
        return raters.ToArray();
    }

    [Fact]
    public async Task Erasing_an_item_removes_it_and_its_ratings_and_no_replica_serves_it_again()
    {
        var popular = await CatalogueReplicas.ListAsync(_reader, "/api/v1/items/popular?count=10");
        var erased = popular[0];
        var raters = await RatersAsync(erased);
        Assert.NotEmpty(raters);
        var rater = raters[0];
        // The rater's ratings are cached on the other replica before the erasure.
        Assert.Contains(erased, (await _reader.GetFromJsonAsync<JsonElement>($"/api/v1/users/{rater}/ratings?limit=1000"))
            .GetProperty("items").EnumerateArray().Select(i => i.GetProperty("itemId").GetString()));
        var lists = Enumerable.Range(1, 30).Select(u => $"/api/v1/users/{u}/recommendations?count=10").ToArray();
        var totalBefore = await TestData.ScalarAsync(_replicas.Database,
            "SELECT sum(n) FROM (SELECT sum(rating_count) AS n FROM item_stats UNION ALL SELECT sum(rating_count) FROM item_stat_changes) x");

        var response = await _writer.DeleteAsync($"/api/v1/items/{erased}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(0, await TestData.ScalarAsync(_replicas.Database, "SELECT count(*) FROM items WHERE external_id = $1", erased));
        Assert.Equal(await TestData.ScalarAsync(_replicas.Database, "SELECT count(*) FROM ratings"), totalBefore - raters.Length);
        Assert.Equal(totalBefore - raters.Length, await TestData.ScalarAsync(_replicas.Database,
            "SELECT sum(n) FROM (SELECT sum(rating_count) AS n FROM item_stats UNION ALL SELECT sum(rating_count) FROM item_stat_changes) x"));
        var followed = await Eventually.TrueWithinAsync(TimeSpan.FromSeconds(1), async () =>
        {
            foreach (var list in lists.Append("/api/v1/items/popular?count=10"))
                if ((await CatalogueReplicas.ListAsync(_reader, list)).Contains(erased)) return false;
            return true;
        });
        Assert.True(followed, "the other replica still lists the erased item");
        Assert.Equal(HttpStatusCode.NotFound, (await _reader.GetAsync($"/api/v1/items/{erased}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _reader.GetAsync($"/api/v1/items/{erased}/similar")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _reader.GetAsync($"/api/v1/users/{rater}/predictions/{erased}")).StatusCode);
        Assert.DoesNotContain(erased, (await _reader.GetFromJsonAsync<JsonElement>($"/api/v1/users/{rater}/ratings?limit=1000"))
            .GetProperty("items").EnumerateArray().Select(i => i.GetProperty("itemId").GetString()));
        Assert.Equal(10, (await CatalogueReplicas.ListAsync(_reader, "/api/v1/items/popular?count=10")).Length);

        // The id comes back as a new item: the model (older than the erasure) still holds the old vectors, and serves none of them.
        (await _replicas.Writer.CreateClientAsClient().PutAsJsonAsync($"/api/v1/items/{erased}", new { title = "Again" })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Conflict, (await _reader.GetAsync($"/api/v1/items/{erased}/similar")).StatusCode);
        foreach (var list in lists) Assert.DoesNotContain(erased, await CatalogueReplicas.ListAsync(_reader, list));

        // A replica started after the erasure knows it from the record.
        await using var later = _replicas.StartAnother();
        var laterClient = later.CreateClientAsClient();
        foreach (var list in lists) Assert.DoesNotContain(erased, await CatalogueReplicas.ListAsync(laterClient, list));
        Assert.Equal(HttpStatusCode.Conflict, (await laterClient.GetAsync($"/api/v1/items/{erased}/similar")).StatusCode);
    }

    [Fact]
    public async Task A_retired_item_stays_retired_for_a_replica_started_later()
    {
        var item = (await CatalogueReplicas.ListAsync(_reader, "/api/v1/users/7/recommendations?count=10"))[0];
        await CatalogueReplicas.PutAvailabilityAsync(_replicas.Writer.CreateClientAsClient(), item, available: false);

        await using var later = _replicas.StartAnother();

        Assert.DoesNotContain(item, await CatalogueReplicas.ListAsync(later.CreateClientAsClient(), "/api/v1/users/7/recommendations?count=10"));
    }
}
