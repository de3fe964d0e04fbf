using RecommenderService.Api.Items.PopularItems;
using RecommenderService.Api.Model.Loading;
using RecommenderService.Engine;

namespace RecommenderService.Api.Tests.Items;

/// <summary>
/// Items served from their attributes need the catalogue only to follow changes: with the database gone, what was
/// served keeps serving, and a change heard just before the outage is picked up once it is back.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ColdItemOutageTests(PostgresFixture postgres) : IAsyncLifetime
{
    private RecommenderApiFactory _factory = null!;
    private HttpClient _client = null!;
    private string _database = null!;

    public async Task InitializeAsync()
    {
        _database = await postgres.CreateDatabaseAsync();
        _factory = new RecommenderApiFactory(_database, new Dictionary<string, string?> { ["RateLimiting:Enabled"] = "false" });
        _client = _factory.CreateClientAsClient();
        var ratings = TestData.ClusteredRatings();
        await TestData.InsertRatingsAsync(_database, ratings, DateTimeOffset.UtcNow.AddHours(-1));
        var attributes = ratings.Items.Ids.ToDictionary(id => id, id => new[] { $"genres:Genre{TestData.ClusterOf(id)}" });
        await TestData.SetItemAttributesAsync(_database, ratings.Items.Ids.ToDictionary(id => id, id => TestData.ClusteredItemAttributes(TestData.ClusterOf(id), 0)));
        var model = TestData.Train(ratings);
        await TestData.StoreActiveModelAsync(_database, model.WithAttributeMap(AttributeFactors.FitOnRatings(model, ratings, attributes)), DateTimeOffset.UtcNow);
        await _factory.Services.GetRequiredService<ActiveModelLoader>().LoadActiveAsync(CancellationToken.None);
        await _factory.Services.GetRequiredService<PopularityCache>().RefreshAsync(CancellationToken.None);
        using var body = JsonDocument.Parse($$"""{"attributes": {{TestData.ClusteredItemAttributes(2, 0)}}}""");
        (await _client.PutAsJsonAsync("/api/v1/items/new-2", body.RootElement)).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        await DatabaseOutage.SetReachableAsync(postgres, _database, true);
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task With_the_database_down_new_items_keep_their_derived_vectors_and_a_pending_change_lands_after()
    {
        var warm = await _client.GetFromJsonAsync<JsonElement>("/api/v1/users/3/predictions/new-2");
        Assert.Equal("model", warm.GetProperty("strategy").GetString());
        // An item added behind the service's back, and its change notice, arriving just before the outage.
        await TestData.ScalarAsync(_database,
            $$"""INSERT INTO items (external_id, attributes) VALUES ('late', '{{TestData.ClusteredItemAttributes(4, 0)}}'::jsonb) RETURNING id""");
        _factory.Services.GetRequiredService<ServingModelSource>().ItemChanged("late");

        await DatabaseOutage.SetReachableAsync(postgres, _database, false);
        var during = await _client.GetAsync("/api/v1/users/3/predictions/new-2");
        var list = await _client.GetAsync("/api/v1/users/3/recommendations");
        await DatabaseOutage.SetReachableAsync(postgres, _database, true);

        Assert.Equal(HttpStatusCode.OK, during.StatusCode);
        Assert.Equal(warm.GetProperty("predictedRating").GetDouble(), (await during.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("predictedRating").GetDouble());
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var landed = await Eventually.TrueWithinAsync(TimeSpan.FromSeconds(5), async () =>
            (await _client.GetAsync("/api/v1/items/late/similar")).StatusCode == HttpStatusCode.OK);
        Assert.True(landed, "the change heard before the outage was never applied");
        var prediction = await _client.GetFromJsonAsync<JsonElement>("/api/v1/users/5/predictions/late");
        Assert.Equal("model", prediction.GetProperty("strategy").GetString());
    }
}
