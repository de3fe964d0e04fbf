using RecommenderService.Engine;

namespace RecommenderService.Api.Tests.Items.Catalogue;

/// <summary>
/// Two replicas on one database holding the clustered test ratings and an active model trained on them (stored before
/// either replica starts, so both serve it from their first request). Writes go through one replica, reads are checked
/// on the other.
/// </summary>
internal sealed class CatalogueReplicas : IAsyncDisposable
{
    private static readonly Dictionary<string, string?> Settings = new() { ["RateLimiting:Enabled"] = "false" };

    private CatalogueReplicas(string database, RatingSet ratings, RecommenderApiFactory writer, RecommenderApiFactory reader)
    {
        Database = database;
        Ratings = ratings;
        Writer = writer;
        Reader = reader;
    }

    public string Database { get; }
    public RatingSet Ratings { get; }

    /// <summary>The replica writes go through.</summary>
    public RecommenderApiFactory Writer { get; }

    /// <summary>The other replica: it learns of writes only through the database's notices.</summary>
    public RecommenderApiFactory Reader { get; }

    public static async Task<CatalogueReplicas> StartAsync(PostgresFixture postgres)
    {
        var database = await postgres.CreateDatabaseAsync();
        await using (var migrator = new RecommenderApiFactory(database, Settings)) migrator.CreateClient();
        var ratings = TestData.ClusteredRatings();
        await TestData.InsertRatingsAsync(database, ratings, DateTimeOffset.UtcNow.AddHours(-2));
        await TestData.StoreActiveModelAsync(database, TestData.Train(ratings), DateTimeOffset.UtcNow.AddHours(-1));
        var writer = new RecommenderApiFactory(database, Settings);
        var reader = new RecommenderApiFactory(database, Settings);
        writer.CreateClient();
        reader.CreateClient();
        return new CatalogueReplicas(database, ratings, writer, reader);
    }

    /// <summary>Another replica, started now (it knows only what the database holds).</summary>
    public RecommenderApiFactory StartAnother() => new(Database, Settings);

    public async ValueTask DisposeAsync()
    {
        await Writer.DisposeAsync();
        await Reader.DisposeAsync();
    }

    /// <summary>The item ids of a list answer (recommendations, popular or similar items).</summary>
    public static async Task<string[]> ListAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("itemId").GetString()!).ToArray();
    }

    /// <summary>Sets an item's availability through <paramref name="client"/>; the answer must be a success.</summary>
    public static async Task PutAvailabilityAsync(HttpClient client, string itemId, bool available, DateTimeOffset? from = null, DateTimeOffset? until = null)
    {
        var response = await client.PutAsJsonAsync($"/api/v1/items/{itemId}",
            new { title = $"Title of {itemId}", available, availableFrom = from, availableUntil = until });
        response.EnsureSuccessStatusCode();
    }
}
