using System.Globalization;
using RecommenderService.Api.Model.Loading;
using RecommenderService.Engine;
using Xunit.Abstractions;

namespace RecommenderService.Api.Tests.Items;

/// <summary>
/// Items added to the catalogue after training, with attributes and no ratings, are served from their attributes
/// before any retrain: predictions, similar items and lists. The data: users and items in five taste clusters
/// (<see cref="TestData.ClusteredRatings"/>), each item's genre attribute naming its cluster, so the attributes
/// determine what an item's factors should be.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ColdItemTests(PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Clusters = 5;
    private const int NewPerGenre = 6;

    private static readonly Dictionary<string, string?> JobsOn = RetrainSettings.JobsOn();

    private static readonly object Good = RetrainSettings.Good;

    private RecommenderApiFactory _host = null!;
    private HttpClient _client = null!;
    private HttpClient _admin = null!;
    private RatingSet _ratings = null!;
    private int _version;
    private string _database = null!;

    public async Task InitializeAsync()
    {
        var database = _database = await postgres.CreateDatabaseAsync();
        _host = new RecommenderApiFactory(database, JobsOn);
        _client = _host.CreateClientAsClient();
        _admin = _host.CreateClientAsAdmin();
        _ratings = TestData.ClusteredRatings();
        await TestData.InsertRatingsAsync(database, _ratings, DateTimeOffset.UtcNow.AddHours(-2));
        await TestData.SetItemAttributesAsync(database, _ratings.Items.Ids.ToDictionary(id => id,
            id => TestData.ClusteredItemAttributes(TestData.ClusterOf(id), id.Length + TestData.ClusterOf(id, 7))));
        var (_, job) = await RetrainDriver.RetrainAndWaitAsync(_admin, Good);
        Assert.Equal("active", job.GetProperty("modelStatus").GetString());
        _version = job.GetProperty("modelVersion").GetInt32();

        // The new releases: added through the catalogue after training, rated by nobody.
        for (var genre = 0; genre < Clusters; genre++)
            for (var j = 0; j < NewPerGenre; j++)
                await PutItemAsync(NewItem(genre, j), TestData.ClusteredItemAttributes(genre, j));
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static string NewItem(int genre, int j) => $"new-{genre}-{j}";

    private static int GenreOfNew(string id) => id[4] - '0';

    private static int ClusterOfUser(string userId) => (int.Parse(userId, CultureInfo.InvariantCulture) - 1) % Clusters;

    private async Task PutItemAsync(string id, string attributesJson)
    {
        using var body = JsonDocument.Parse($$"""{"title": "{{id}}", "attributes": {{attributesJson}}}""");
        (await _client.PutAsJsonAsync($"/api/v1/items/{id}", body.RootElement)).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Predictions_for_items_added_after_training_follow_their_genre_and_beat_the_users_mean()
    {
        var users = Enumerable.Range(1, 40).Select(u => u.ToString(CultureInfo.InvariantCulture)).ToArray();
        double derivedError = 0, meanError = 0;
        var n = 0;
        foreach (var user in users)
        {
            _ratings.Users.TryGetIndex(user, out var u);
            var userMean = Enumerable.Range(0, _ratings.Count).Where(r => _ratings.User[r] == u).Average(r => _ratings.Value[r]);
            for (var genre = 0; genre < Clusters; genre++)
                for (var j = 0; j < NewPerGenre; j++)
                {
                    var prediction = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/users/{user}/predictions/{NewItem(genre, j)}");
                    Assert.Equal("model", prediction.GetProperty("strategy").GetString());
                    Assert.Equal(_version, prediction.GetProperty("modelVersion").GetInt32());
                    // The planted truth: 4.3 stars on average for an item of the user's own cluster, 2.2 otherwise.
                    var truth = genre == ClusterOfUser(user) ? 4.3 : 2.2;
                    var predicted = prediction.GetProperty("predictedRating").GetDouble();
                    derivedError += (predicted - truth) * (predicted - truth);
                    meanError += (userMean - truth) * (userMean - truth);
                    n++;
                }
        }

        var (derivedRmse, meanRmse) = (Math.Sqrt(derivedError / n), Math.Sqrt(meanError / n));
        output.WriteLine($"{n} predictions of new items against the planted truth: from attributes RMSE {derivedRmse:F3}, user's mean {meanRmse:F3}");
        Assert.True(derivedRmse < 0.6 * meanRmse, $"from attributes {derivedRmse:F3}, user's mean {meanRmse:F3}");
    }

    [Fact]
    public async Task Similar_items_of_a_new_item_share_its_genre_far_more_than_chance()
    {
        var shared = 0;
        for (var genre = 0; genre < Clusters; genre++)
        {
            var response = await _client.GetAsync($"/api/v1/items/{NewItem(genre, 0)}/similar?count=10");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var similar = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(_version, similar.GetProperty("modelVersion").GetInt32());
            var ids = similar.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("itemId").GetString()!).ToList();
            Assert.Equal(10, ids.Count);
            Assert.DoesNotContain(NewItem(genre, 0), ids);
            shared += ids.Count(id => (id.StartsWith("new-", StringComparison.Ordinal) ? GenreOfNew(id) : TestData.ClusterOf(id)) == genre);
        }

        // Chance: one item in five shares the genre.
        output.WriteLine($"{shared} of {10 * Clusters} similar items share the new item's genre (chance {2 * Clusters})");
        Assert.True(shared >= 9 * Clusters, $"{shared} of {10 * Clusters}");
    }

    [Fact]
    public async Task New_items_enter_the_lists_of_users_who_like_their_genre_and_not_of_others()
    {
        int own = 0, other = 0, usersWithOwn = 0;
        const int users = 50;
        for (var u = 1; u <= users; u++)
        {
            var user = u.ToString(CultureInfo.InvariantCulture);
            var list = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/users/{user}/recommendations?count=20");
            Assert.Equal("model", list.GetProperty("strategy").GetString());
            // Ranked places only: exploration slots (marked) show new items of any genre on purpose.
            var fresh = list.GetProperty("items").EnumerateArray().Where(i => !i.GetProperty("exploration").GetBoolean())
                .Select(i => i.GetProperty("itemId").GetString()!)
                .Where(id => id.StartsWith("new-", StringComparison.Ordinal)).ToList();
            var mine = fresh.Count(id => GenreOfNew(id) == ClusterOfUser(user));
            own += mine;
            other += fresh.Count - mine;
            if (mine > 0) usersWithOwn++;
        }

        output.WriteLine($"{users} lists of 20: {own} new items of the user's genre, {other} of another; {usersWithOwn} users got one of theirs");
        Assert.True(usersWithOwn >= 0.8 * users, $"{usersWithOwn} of {users} users got a new item of their genre");
        Assert.True(other <= own / 10, $"{own} new items of the user's genre, {other} of others");
    }

    [Fact]
    public async Task A_changed_genre_moves_a_new_item_to_its_new_neighbours_at_once()
    {
        await PutItemAsync(NewItem(1, 0), TestData.ClusteredItemAttributes(3, 0));

        var similar = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/items/{NewItem(1, 0)}/similar?count=10");
        var ids = similar.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("itemId").GetString()!).ToList();
        Assert.True(ids.Count(id => !id.StartsWith("new-", StringComparison.Ordinal) && TestData.ClusterOf(id) == 3) >= 4, string.Join(", ", ids));
        Assert.DoesNotContain(ids, id => !id.StartsWith("new-", StringComparison.Ordinal) && TestData.ClusterOf(id) == 1);
    }

    [Fact]
    public async Task Another_replica_loads_the_map_with_the_model_and_serves_an_item_added_elsewhere_after_its_notice()
    {
        await using var other = new RecommenderApiFactory(_database, new Dictionary<string, string?> { ["RateLimiting:Enabled"] = "false" });
        var client = other.CreateClientAsClient();
        // Started after the new items were added: it reads them with the model, whose stored file carries the map.
        var before = await client.GetAsync($"/api/v1/items/{NewItem(4, 0)}/similar");
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        await PutItemAsync("late-arrival", TestData.ClusteredItemAttributes(4, 1));
        HttpResponseMessage? similar = null;
        var heard = await Eventually.TrueWithinAsync(TimeSpan.FromSeconds(5), async () =>
            (similar = await client.GetAsync("/api/v1/items/late-arrival/similar?count=10")).StatusCode == HttpStatusCode.OK);

        Assert.True(heard, "the other replica never served the item added on this one");
        var ids = (await similar!.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("itemId").GetString()!).ToList();
        Assert.True(ids.Count(id => (id.StartsWith("new-", StringComparison.Ordinal) ? GenreOfNew(id) : TestData.ClusterOf(id)) == 4) >= 9, string.Join(", ", ids));
    }

    [Fact]
    public async Task Items_whose_attributes_the_model_never_saw_keep_waiting_for_training()
    {
        await PutItemAsync("odd-one", """{"mood": "gloomy"}""");
        (await _client.PutAsJsonAsync("/api/v1/items/bare-one", new { title = "No attributes" })).EnsureSuccessStatusCode();

        foreach (var id in new[] { "odd-one", "bare-one" })
        {
            var similar = await _client.GetAsync($"/api/v1/items/{id}/similar");
            Assert.Equal(HttpStatusCode.Conflict, similar.StatusCode);
            var prediction = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/users/1/predictions/{id}");
            Assert.Equal("popularity", prediction.GetProperty("strategy").GetString());
        }
    }

    [Fact]
    public async Task Once_rated_and_retrained_a_new_item_is_served_by_its_learned_factors()
    {
        // Users of cluster 2 love new-2-0; nobody rates new-2-1.
        var ratings = Enumerable.Range(0, 30).Select(k => new { userId = (3 + 5 * k).ToString(CultureInfo.InvariantCulture), itemId = NewItem(2, 0), rating = 5 });
        (await _client.PostAsJsonAsync("/api/v1/ratings/batch", new { ratings })).EnsureSuccessStatusCode();

        var (_, job) = await RetrainDriver.RetrainAndWaitAsync(_admin, Good);
        Assert.Equal("active", job.GetProperty("modelStatus").GetString());
        var version = job.GetProperty("modelVersion").GetInt32();

        var served = _host.Services.GetRequiredService<ModelHolder>().Current!;
        Assert.Equal(version, served.Version);
        Assert.True(served.Model.Items.TryGetIndex(NewItem(2, 0), out var learned), "the rated item is in the trained model");
        Assert.False(served.Model.Items.TryGetIndex(NewItem(2, 1), out _));
        Assert.NotNull(served.Model.AttributeMap);
        // User 4 (cluster 3) is in the model and has not rated since: the model's own vectors give the prediction.
        served.Model.Users.TryGetIndex("4", out var user);
        var prediction = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/users/4/predictions/{NewItem(2, 0)}");
        Assert.Equal(version, prediction.GetProperty("modelVersion").GetInt32());
        Assert.Equal(Math.Round(served.Model.Predict(user, learned), 4), prediction.GetProperty("predictedRating").GetDouble(), 4);
        // The unrated one is still served from its attributes, through the new model's map.
        var derived = ColdItems.Append(served.Model, [new(NewItem(2, 1), ["genres:Genre2", "year:1991"])]);
        derived.Items.TryGetIndex(NewItem(2, 1), out var cold);
        var unrated = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/users/4/predictions/{NewItem(2, 1)}");
        Assert.Equal(Math.Round(derived.Predict(user, cold), 4), unrated.GetProperty("predictedRating").GetDouble(), 4);
    }
}
