using System.Globalization;
using RecommenderService.Engine;

namespace RecommenderService.Api.Tests.Items.PopularItems;

/// <summary>
/// The popular list newcomers get: judged by each retrain on the newcomers of its holdout and recorded on the version,
/// served to users with no ratings and shown by <c>GET /api/v1/items/popular</c>, or pinned by <c>Popularity:NewcomerList</c>.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class NewcomerListTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly List<RecommenderApiFactory> _hosts = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts) await host.DisposeAsync();
    }

    /// <summary>
    /// Clustered ratings over the last 90 days (a retrain on them passes the gate), then 15 newcomers who rate only on the
    /// last day, so the newest ratings hold users whose first rating is among them.
    /// </summary>
    private static RatingSet Arriving()
    {
        var now = DateTimeOffset.UtcNow.AddHours(-1);
        var earlier = TestData.ClusteredRatings(from: now.AddDays(-91));
        var builder = new RatingSetBuilder(earlier.Count + 400, earlier.Users, earlier.Items);
        for (var r = 0; r < earlier.Count; r++) builder.Add(earlier.User[r], earlier.Item[r], earlier.Value[r], earlier.Time[r]);
        var random = new Random(5);
        for (var u = 0; u < 15; u++)
        {
            var cluster = u % 5;
            var chosen = new HashSet<int>();
            while (chosen.Count < 10)
            {
                var item = random.NextDouble() < 0.65 ? cluster + 5 * random.Next(24) : random.Next(120);
                if (!chosen.Add(item)) continue;
                var value = item % 5 == cluster ? 5 : 2;
                builder.Add($"newcomer-{u}", $"item-{item}", value, now.ToUnixTimeSeconds() - random.Next(0, 86_400));
            }
        }
        return builder.Build();
    }

    private async Task<(RecommenderApiFactory Host, string Database)> HostAsync(params (string Key, string? Value)[] settings)
    {
        var database = await postgres.CreateDatabaseAsync();
        var host = new RecommenderApiFactory(database, RetrainSettings.JobsOn([("RateLimiting:Enabled", "false"), .. settings]));
        _hosts.Add(host);
        host.CreateClient(); // migrations
        return (host, database);
    }

    private static async Task<string[]> ItemIdsAsync(HttpClient client, string path)
    {
        var body = await client.GetFromJsonAsync<JsonElement>(path);
        return body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("itemId").GetString()!).ToArray();
    }

    [Fact]
    public async Task A_retrain_records_the_newcomer_list_that_served_its_newcomers_best_and_newcomers_get_it()
    {
        var (host, database) = await HostAsync();
        await TestData.InsertRatingsAsync(database, Arriving(), DateTimeOffset.UtcNow.AddHours(-1));
        var admin = host.CreateClientAsAdmin();

        var (_, job) = await RetrainDriver.RetrainAndWaitAsync(admin, RetrainSettings.Good);

        Assert.True(job.GetProperty("state").GetString() == "succeeded", job.ToString());
        var judging = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/model")).GetProperty("metrics").GetProperty("newcomerList");
        var candidates = judging.GetProperty("candidates").EnumerateArray().ToArray();
        Assert.Equal(PopularityLists.Names, candidates.Select(c => c.GetProperty("list").GetString()));
        Assert.Equal("newcomers", judging.GetProperty("judgedOn").GetString());
        Assert.True(judging.GetProperty("users").GetInt32() > 0, judging.ToString());
        Assert.False(judging.GetProperty("pinned").GetBoolean());
        // The recorded winner is the best by the recorded figures: within 2 % of the best P@10, the highest liked P@10.
        double P(JsonElement c) => c.GetProperty("precisionAt10").GetDouble();
        var floor = 0.98 * candidates.Max(P);
        var expected = candidates.Where(c => P(c) >= floor)
            .OrderByDescending(c => c.GetProperty("likedPrecisionAt10").GetDouble()).ThenByDescending(P).First();
        var winner = judging.GetProperty("winner").GetString()!;
        Assert.Equal(expected.GetProperty("list").GetString(), winner);
        Assert.Equal(winner, judging.GetProperty("served").GetString());

        // Newcomers (no ratings) get that list, and so does GET /items/popular, which says so.
        var client = host.CreateClientAsClient();
        var popular = await client.GetFromJsonAsync<JsonElement>("/api/v1/items/popular?count=10");
        Assert.Equal(winner, popular.GetProperty("list").GetString());
        var byWinner = await ItemIdsAsync(client, $"/api/v1/items/popular?count=10&by={winner}");
        var newcomer = await client.GetFromJsonAsync<JsonElement>("/api/v1/users/someone-new/recommendations?count=10");
        Assert.Equal("popularity", newcomer.GetProperty("strategy").GetString());
        Assert.Equal(byWinner, newcomer.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("itemId").GetString()!));
    }

    [Fact]
    public async Task A_pinned_list_is_served_to_newcomers_and_recorded_as_pinned()
    {
        var (host, database) = await HostAsync(("Popularity:NewcomerList", "trending"));
        await TestData.InsertRatingsAsync(database, Arriving(), DateTimeOffset.UtcNow.AddHours(-1));
        var admin = host.CreateClientAsAdmin();

        var (_, job) = await RetrainDriver.RetrainAndWaitAsync(admin, RetrainSettings.Good);

        Assert.True(job.GetProperty("state").GetString() == "succeeded", job.ToString());
        var judging = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/model")).GetProperty("metrics").GetProperty("newcomerList");
        Assert.True(judging.GetProperty("pinned").GetBoolean());
        Assert.Equal("trending", judging.GetProperty("served").GetString());
        var client = host.CreateClientAsClient();
        Assert.Equal("trending", (await client.GetFromJsonAsync<JsonElement>("/api/v1/items/popular")).GetProperty("list").GetString());
        var trending = await ItemIdsAsync(client, "/api/v1/items/popular?by=trending");
        Assert.Equal(trending, await ItemIdsAsync(client, "/api/v1/users/someone-new/recommendations"));
    }

    [Fact]
    public async Task Liked_counts_follow_writes_within_a_second_and_rank_the_liked_lists()
    {
        var (host, _) = await HostAsync();
        var client = host.CreateClientAsClient();
        var now = DateTime.UtcNow.AddSeconds(-5).ToString("O", CultureInfo.InvariantCulture);
        // "watched" is rated by more users, "loved" by fewer who all liked it.
        var ratings = Enumerable.Range(0, 6).Select(u => new { userId = $"v{u}", itemId = "watched", rating = 2, timestamp = now })
            .Concat(Enumerable.Range(0, 4).Select(u => new { userId = $"v{u}", itemId = "loved", rating = 5, timestamp = now }));
        (await client.PostAsJsonAsync("/api/v1/ratings/batch", new { ratings })).EnsureSuccessStatusCode();

        string[] mostRated = [], liked = [];
        var ranked = await Eventually.TrueWithinAsync(TimeSpan.FromSeconds(1), async () =>
        {
            mostRated = await ItemIdsAsync(client, "/api/v1/items/popular?by=most-rated");
            liked = await ItemIdsAsync(client, "/api/v1/items/popular?by=liked-count");
            return mostRated.Length == 2 && liked.Length == 2;
        });

        Assert.True(ranked);
        Assert.Equal(["watched", "loved"], mostRated);
        Assert.Equal(["loved", "watched"], liked);

        // Five of the six change their minds about "watched": 5 liked ratings beat 4.
        var changed = Enumerable.Range(0, 5).Select(u => new { userId = $"v{u}", itemId = "watched", rating = 5, timestamp = now });
        (await client.PostAsJsonAsync("/api/v1/ratings/batch", new { ratings = changed })).EnsureSuccessStatusCode();
        var flipped = await Eventually.TrueWithinAsync(TimeSpan.FromSeconds(1), async () =>
            (await ItemIdsAsync(client, "/api/v1/items/popular?by=liked-count")).SequenceEqual(["watched", "loved"]));
        Assert.True(flipped);
    }

    [Theory]
    [InlineData("by=hottest")]
    [InlineData("by=most%20rated")]
    public async Task An_unknown_list_is_a_400_problem_naming_by(string query)
    {
        var (host, _) = await HostAsync();
        var client = host.CreateClientAsClient();

        var response = await client.GetAsync($"/api/v1/items/popular?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("by", out _), problem.ToString());
    }

    [Fact]
    public async Task Before_any_version_newcomers_get_the_damped_mean()
    {
        var (host, _) = await HostAsync();

        var popular = await host.CreateClientAsClient().GetFromJsonAsync<JsonElement>("/api/v1/items/popular");

        Assert.Equal("damped-mean", popular.GetProperty("list").GetString());
    }

    [Fact]
    public async Task An_unknown_newcomer_list_setting_stops_the_service_at_start_naming_the_setting()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var host = new RecommenderApiFactory(database, new Dictionary<string, string?> { ["Popularity:NewcomerList"] = "hottest" });

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => host.CreateClient());
        Assert.Contains("Popularity:NewcomerList", error.Message);
    }
}
