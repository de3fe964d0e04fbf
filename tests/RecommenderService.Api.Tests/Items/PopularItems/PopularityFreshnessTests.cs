using System.Diagnostics;

namespace RecommenderService.Api.Tests.Items.PopularItems;

/// <summary>
/// Two replicas on one database, with the periodic refresh far away (an hour): the popular list follows
/// imports and batches on every replica within a second, because the change is announced.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PopularityFreshnessTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["RateLimiting:Enabled"] = "false",
        ["Popularity:RefreshSeconds"] = "3600",
    };

    private static readonly TimeSpan Within = TimeSpan.FromSeconds(1);

    private RecommenderApiFactory _replicaA = null!;
    private RecommenderApiFactory _replicaB = null!;

    public async Task InitializeAsync()
    {
        var database = await postgres.CreateDatabaseAsync();
        _replicaA = new RecommenderApiFactory(database, Settings);
        _replicaB = new RecommenderApiFactory(database, Settings);
        _replicaA.CreateClient();
        _replicaB.CreateClient();
    }

    public async Task DisposeAsync()
    {
        await _replicaA.DisposeAsync();
        await _replicaB.DisposeAsync();
    }

    [Fact]
    public async Task After_an_import_on_one_replica_the_other_serves_it_within_a_second_and_a_newcomer_gets_a_list()
    {
        var clientA = _replicaA.CreateClientAsClient();
        var clientB = _replicaB.CreateClientAsClient();
        // Both replicas have computed their (empty) list before the import.
        Assert.Empty(await PopularAsync(clientA));
        Assert.Empty(await PopularAsync(clientB));

        // "hit" is rated 5 by 60 users, "dud" 1 by 60 users, and a tail of items get one middling rating.
        var csv = new StringBuilder();
        for (var u = 0; u < 60; u++)
            csv.Append($"imp-{u},hit,5\nimp-{u},dud,1\nimp-{u},tail-{u},3\n");
        var import = await _replicaA.CreateClientAsAdmin().PostAsync("/api/v1/ratings/import", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"));
        import.EnsureSuccessStatusCode();
        var sinceImport = Stopwatch.StartNew();

        var newcomer = await clientA.GetFromJsonAsync<JsonElement>("/api/v1/users/newcomer/recommendations");
        string[] seenByB = [];
        var followed = await Eventually.TrueWithinAsync(Within, async () =>
        {
            seenByB = await PopularAsync(clientB);
            return seenByB.FirstOrDefault() == "hit";
        });

        Assert.Equal("popularity", newcomer.GetProperty("strategy").GetString());
        Assert.Equal("hit", newcomer.GetProperty("items")[0].GetProperty("itemId").GetString());
        Assert.True(followed, $"replica B still served [{string.Join(", ", seenByB)}] {sinceImport.ElapsedMilliseconds} ms after the import");
        Assert.Equal("dud", seenByB[^1]);
        Assert.Equal(62, seenByB.Length);
    }

    [Fact]
    public async Task A_batch_and_a_deletion_on_one_replica_reach_the_other_within_a_second()
    {
        var clientA = _replicaA.CreateClientAsClient();
        var clientB = _replicaB.CreateClientAsClient();
        Assert.Empty(await PopularAsync(clientB));

        var ratings = Enumerable.Range(0, 30).SelectMany(u => new[]
        {
            new { userId = $"b-{u}", itemId = "liked", rating = 5 },
            new { userId = $"b-{u}", itemId = "fine", rating = 4 },
        });
        (await clientA.PostAsJsonAsync("/api/v1/ratings/batch", new { ratings })).EnsureSuccessStatusCode();
        string[] seen = [];
        var batchSeen = await Eventually.TrueWithinAsync(Within, async () => (seen = await PopularAsync(clientB)).SequenceEqual(["liked", "fine"]));
        Assert.True(batchSeen, $"after the batch replica B served [{string.Join(", ", seen)}]");

        // Every rating of "liked" goes away: it must leave B's list too.
        for (var u = 0; u < 30; u++)
            (await clientA.DeleteAsync($"/api/v1/users/b-{u}/ratings/liked")).EnsureSuccessStatusCode();
        var deletionSeen = await Eventually.TrueWithinAsync(Within, async () => (seen = await PopularAsync(clientB)).SequenceEqual(["fine"]));
        Assert.True(deletionSeen, $"after the deletions replica B served [{string.Join(", ", seen)}]");
    }

    [Fact]
    public async Task A_title_given_on_one_replica_is_on_the_popular_lists_of_every_replica_within_a_second()
    {
        var admin = _replicaA.CreateClientAsAdmin();
        var clientB = _replicaB.CreateClientAsClient();
        var import = await admin.PostAsync("/api/v1/ratings/import", new StringContent("a,hit,5\nb,hit,4\nc,other,3\n", Encoding.UTF8, "text/csv"));
        import.EnsureSuccessStatusCode();
        Assert.True(await Eventually.TrueWithinAsync(Within, async () => (await PopularAsync(clientB)).FirstOrDefault() == "hit"));

        // Let the refreshes the import set off (and the compaction after them) settle; from here the ratings do not
        // change, so the popular list is not recomputed (its periodic refresh is an hour away).
        await Task.Delay(TimeSpan.FromSeconds(2));
        (await admin.PutAsJsonAsync("/api/v1/items/hit", new { title = "The Hit" })).EnsureSuccessStatusCode();

        string? Title(JsonElement list) => list.GetProperty("items")[0].GetProperty("title").GetString();
        JsonElement popularA = default, popularB = default, newcomerB = default;
        var titled = await Eventually.TrueWithinAsync(Within, async () =>
        {
            popularA = await _replicaA.CreateClientAsClient().GetFromJsonAsync<JsonElement>("/api/v1/items/popular");
            popularB = await clientB.GetFromJsonAsync<JsonElement>("/api/v1/items/popular");
            newcomerB = await clientB.GetFromJsonAsync<JsonElement>("/api/v1/users/newcomer/recommendations");
            return Title(popularA) == "The Hit" && Title(popularB) == "The Hit" && Title(newcomerB) == "The Hit";
        });
        Assert.True(titled, $"A: {popularA}\nB: {popularB}\nnewcomer on B: {newcomerB}");
    }

    private static async Task<string[]> PopularAsync(HttpClient client)
    {
        var body = await client.GetFromJsonAsync<JsonElement>("/api/v1/items/popular?count=100");
        return body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("itemId").GetString()!).ToArray();
    }
}
