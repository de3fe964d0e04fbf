using System.Globalization;


using Xunit.Abstractions;

using RecommenderService.Api.Model.Loading;
using RecommenderService.Engine;

namespace RecommenderService.Api.Tests.Users;

/// <summary>
/// Users who told the service about themselves: profiles stored and read back, bad profiles refused whole, and lists
/// for users with a profile or onboarding likes and no ratings. The data: users and items in five taste clusters
/// (<see cref="TestData.ClusteredRatings"/>); a user's profile names their cluster as a segment (and an age that says
/// nothing), an item's attributes its cluster as a genre, so profiles and likes plant the taste a list should follow.
/// Exploration is on at a share of 0.3 for the new items added after training.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class UserProfileTests(PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Clusters = 5;

    private RecommenderApiFactory _host = null!;
    private HttpClient _client = null!;
    private HttpClient _admin = null!;
    private RatingSet _ratings = null!;
    private string _database = null!;
    private int _version;

    public async Task InitializeAsync()
    {
        _database = await postgres.CreateDatabaseAsync();
        _host = new RecommenderApiFactory(_database, UserTokens.Settings(RetrainSettings.JobsOn(("Exploration:Share", "0.3"))));
        _client = _host.CreateClientAsClient();
        _admin = _host.CreateClientAsAdmin();
        _ratings = TestData.ClusteredRatings();
        await TestData.InsertRatingsAsync(_database, _ratings, DateTimeOffset.UtcNow.AddHours(-2));
        await TestData.SetItemAttributesAsync(_database, _ratings.Items.Ids.ToDictionary(id => id,
            id => TestData.ClusteredItemAttributes(TestData.ClusterOf(id), id.Length)));
        // Every trained user's profile through the API, as a client would send it.
        foreach (var user in _ratings.Users.Ids)
            (await PutProfileAsync(_client, user, Profile(ClusterOfUser(user), int.Parse(user, CultureInfo.InvariantCulture)))).EnsureSuccessStatusCode();
        var (_, job) = await RetrainDriver.RetrainAndWaitAsync(_admin, RetrainSettings.Good);
        Assert.Equal("active", job.GetProperty("modelStatus").GetString());
        _version = job.GetProperty("modelVersion").GetInt32();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static int ClusterOfUser(string userId) => (int.Parse(userId, CultureInfo.InvariantCulture) - 1) % Clusters;

    private static string Profile(int cluster, int seed) =>
        $$$"""{"attributes": {"segment": "S{{{cluster}}}", "age": {{{18 + seed % 50}}}, "zip": "{{{10000 + seed * 37 % 89999}}}"}}""";

    private static Task<HttpResponseMessage> PutProfileAsync(HttpClient client, string userId, string json) =>
        client.PutAsync($"/api/v1/users/{userId}", new StringContent(json, Encoding.UTF8, "application/json"));

    private async Task<JsonElement> ListAsync(string userId, string query = "count=10") =>
        await _client.GetFromJsonAsync<JsonElement>($"/api/v1/users/{userId}/recommendations?{query}");

    private static string[] Ids(JsonElement list) =>
        list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("itemId").GetString()!).ToArray();

    private static int ClusterOfItem(string id) => id.StartsWith("new-", StringComparison.Ordinal) ? id[4] - '0' : TestData.ClusterOf(id);

    [Fact]
    public async Task A_profile_is_stored_and_read_back_and_replacing_it_answers_200()
    {
        var put = await PutProfileAsync(_client, "newcomer", """{"attributes": {"age": 31, "languages": ["en", "fr"], "likes": {"genres": ["Genre2"]}}}""");
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal("/api/v1/users/newcomer", put.Headers.Location?.OriginalString);

        var again = await PutProfileAsync(_client, "newcomer", """{"attributes": {"age": 32}}""");
        var read = await _client.GetFromJsonAsync<JsonElement>("/api/v1/users/newcomer");

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("newcomer", read.GetProperty("userId").GetString());
        Assert.Equal(32, read.GetProperty("attributes").GetProperty("age").GetInt32());
        Assert.False(read.GetProperty("attributes").TryGetProperty("likes", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/api/v1/users/nobody-at-all")).StatusCode);
    }

    [Theory]
    [InlineData("""{"attributes": "age 24"}""", "attributes")]
    [InlineData("""{"attributes": {"address": {"city": "Paris"}}}""", "attributes.address")]
    [InlineData("""{"attributes": {"scores": [1, 2]}}""", "attributes.scores[0]")]
    [InlineData("""{"attributes": {"gender": null}}""", "attributes.gender")]
    [InlineData("""{"attributes": {"likes": ["Sci-Fi"]}}""", "attributes.likes")]
    [InlineData("""{"attributes": {"likes": {"genres": [{"name": "Sci-Fi"}]}}}""", "attributes.likes.genres[0]")]
    [InlineData("""{"attributes": {}, "x": 1, "attributes2": 2}""", null)]
    [InlineData("""{}""", "attributes")]
    public async Task A_wrong_profile_is_refused_with_the_field_named_and_nothing_stored(string body, string? field)
    {
        var response = await PutProfileAsync(_client, "refused", body);

        if (field is null)
        {
            // Unknown top-level fields are ignored as elsewhere; an empty object is a valid (empty) profile.
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return;
        }
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/api/v1/users/refused")).StatusCode);
        Assert.Equal(0, await TestData.ScalarAsync(_database, "SELECT count(*) FROM users WHERE external_id = 'refused'"));
    }

    [Fact]
    public async Task Oversized_profiles_are_refused_whole()
    {
        var many = string.Join(", ", Enumerable.Range(0, 40).Select(i => $"\"k{i}\": {i}"));
        var longText = new string('x', 300);
        var wide = string.Join(", ", Enumerable.Range(0, 60).Select(i => $"\"v{i}\""));

        foreach (var (body, field) in new[]
        {
            ("{\"attributes\": {" + many + "}}", "attributes"),
            ("{\"attributes\": {\"name\": \"" + longText + "\"}}", "attributes.name"),
            ("{\"attributes\": {\"tags\": [" + wide + "]}}", "attributes.tags"),
        })
        {
            var response = await PutProfileAsync(_client, "too-big", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/api/v1/users/too-big")).StatusCode);
    }

    [Fact]
    public async Task A_user_token_reads_and_writes_its_own_profile_only()
    {
        using var own = UserTokens.ClientFor(_host, UserTokens.For("token-user"));

        Assert.Equal(HttpStatusCode.Created, (await PutProfileAsync(own, "token-user", Profile(1, 7))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await own.GetAsync("/api/v1/users/token-user")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PutProfileAsync(own, "1", Profile(2, 7))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await own.GetAsync("/api/v1/users/1")).StatusCode);
        Assert.Equal("S0", (await _client.GetFromJsonAsync<JsonElement>("/api/v1/users/1")).GetProperty("attributes").GetProperty("segment").GetString());
    }

    [Fact]
    public async Task A_user_with_a_profile_and_no_ratings_gets_predictions_and_a_list_of_their_segments_taste()
    {
        int own = 0, total = 0;
        double ownPredicted = 0, otherPredicted = 0;
        for (var cluster = 0; cluster < Clusters; cluster++)
        {
            var user = $"profile-only-{cluster}";
            (await PutProfileAsync(_client, user, Profile(cluster, 1000 + cluster))).EnsureSuccessStatusCode();

            var list = await ListAsync(user);
            Assert.Equal("profile", list.GetProperty("strategy").GetString());
            Assert.Equal(_version, list.GetProperty("modelVersion").GetInt32());
            var ids = Ids(list).Take(3).ToArray();
            own += ids.Count(id => ClusterOfItem(id) == cluster);
            total += ids.Length;

            var mine = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/users/{user}/predictions/item-{cluster}");
            var other = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/users/{user}/predictions/item-{(cluster + 1) % Clusters}");
            Assert.Equal("profile", mine.GetProperty("strategy").GetString());
            ownPredicted += mine.GetProperty("predictedRating").GetDouble();
            otherPredicted += other.GetProperty("predictedRating").GetDouble();
        }

        output.WriteLine($"profile-only users: {own} of the top {total} listed items of their segment's cluster; mean prediction own {ownPredicted / Clusters:F2}, other {otherPredicted / Clusters:F2}");
        // Chance is one in five.
        Assert.True(own >= 0.8 * total, $"{own} of {total}");
        // The user map is regularised (its lambda chosen for held-out RMSE), so a profile's predictions are shrunk towards
        // the items' means: the planted 2-star gap shows as a smaller one, which must still clearly favour the segment.
        Assert.True(ownPredicted > otherPredicted + 0.25 * Clusters, $"own {ownPredicted / Clusters:F2}, other {otherPredicted / Clusters:F2}");
    }

    [Fact]
    public async Task Onboarding_likes_alone_give_a_list_of_the_liked_genre()
    {
        var own = 0;
        for (var cluster = 0; cluster < Clusters; cluster++)
        {
            var user = $"onboarding-{cluster}";
            (await PutProfileAsync(_client, user, "{\"attributes\": {\"likes\": {\"genres\": [\"Genre" + cluster + "\"]}}}")).EnsureSuccessStatusCode();

            var list = await ListAsync(user);

            Assert.Equal("onboarding", list.GetProperty("strategy").GetString());
            own += Ids(list).Take(3).Count(id => ClusterOfItem(id) == cluster);
        }
        output.WriteLine($"onboarding users: {own} of the top {3 * Clusters} listed items of the liked genre");
        Assert.True(own >= 0.8 * 3 * Clusters, $"{own} of {3 * Clusters}");

        // Likes the model never saw give nothing to go on: the popular list.
        (await PutProfileAsync(_client, "unknown-likes", """{"attributes": {"likes": {"genres": ["Polka"]}}}""")).EnsureSuccessStatusCode();
        Assert.Equal("popularity", (await ListAsync("unknown-likes")).GetProperty("strategy").GetString());
    }

    [Fact]
    public async Task Ratings_after_a_profile_are_folded_in_from_it()
    {
        const string user = "rates-after-profile";
        (await PutProfileAsync(_client, user, Profile(3, 77))).EnsureSuccessStatusCode();
        var put = await _client.PutAsJsonAsync($"/api/v1/users/{user}/ratings/item-8", new { rating = 5 });
        put.EnsureSuccessStatusCode();

        var list = await ListAsync(user);

        Assert.Equal("folded-in", list.GetProperty("strategy").GetString());
        var ids = Ids(list);
        Assert.DoesNotContain("item-8", ids);
        // Segment 3 and a five for a cluster-3 item: the list stays in cluster 3.
        Assert.True(ids.Take(3).All(id => ClusterOfItem(id) == 3), string.Join(",", ids));
    }

    [Fact]
    public async Task A_profile_or_onboarding_users_reasons_are_the_attributes_they_told_with_the_engines_exact_shares()
    {
        (string User, string Json, string Kind)[] told =
        [
            ("reasons-profile", Profile(2, 1002), "profile"),
            ("reasons-onboarding", """{"attributes": {"likes": {"genres": ["Genre4"]}}}""", "onboarding"),
            ("reasons-both", """{"attributes": {"segment": "S1", "likes": {"genres": ["Genre1", "Genre3"]}}}""", "onboarding"),
        ];
        foreach (var (user, json, kind) in told)
        {
            (await PutProfileAsync(_client, user, json)).EnsureSuccessStatusCode();

            var list = await ListAsync(user, "count=10&include=reasons");

            Assert.Equal(kind, list.GetProperty("strategy").GetString());
            var serving = (await _host.Services.GetRequiredService<ServingModelSource>().CurrentAsync(CancellationToken.None))!;
            using var profile = JsonDocument.Parse(json);
            var prior = RankingPrior.For(serving.Model, UserAttributeTokens.From(profile.RootElement.GetProperty("attributes")))!;
            var engine = RankingReasons.For(serving.Model, [], [], prior);
            var explained = 0;
            foreach (var entry in list.GetProperty("items").EnumerateArray())
            {
                var reasons = entry.GetProperty("reasons");
                if (entry.GetProperty("exploration").GetBoolean())
                {
                    Assert.Equal("new", reasons.GetProperty("kind").GetString());
                    continue;
                }
                serving.Model.Items.TryGetIndex(entry.GetProperty("itemId").GetString()!, out var item);
                var expected = engine.Explain(item, prior.Vector);
                if (expected.Attributes.Length == 0)
                {
                    Assert.Equal("none", reasons.GetProperty("kind").GetString());
                    continue;
                }
                var attributes = reasons.GetProperty("attributes").EnumerateArray().ToList();

                Assert.Equal(kind, reasons.GetProperty("kind").GetString());
                Assert.Equal(JsonValueKind.Null, reasons.GetProperty("ratedItems").ValueKind);
                Assert.Equal(expected.Attributes.Select(a => a.Token),
                    attributes.Select(a => a.GetProperty("key").GetString() + ":" + a.GetProperty("value").GetString()));
                for (var a = 0; a < attributes.Count; a++)
                {
                    Assert.Equal(expected.Attributes[a].Share, attributes[a].GetProperty("share").GetDouble(), tolerance: 1e-3);
                    Assert.Equal(expected.Attributes[a].Source == RankingPriorSource.Like ? "likes" : "profile", attributes[a].GetProperty("source").GetString());
                }
                Assert.Equal((expected.Unexplained + expected.Base) / expected.Score, reasons.GetProperty("unexplainedShare").GetDouble(), tolerance: 1e-3);
                var text = reasons.GetProperty("text").GetString()!;
                Assert.StartsWith("Because ", text);
                Assert.All(attributes, a => Assert.Contains(a.GetProperty("value").GetString()!, text));
                explained++;
            }
            output.WriteLine($"{user}: {explained} listed items explained by what they told; first: {list.GetProperty("items")[0].GetProperty("reasons").GetProperty("text").GetString()}");
            Assert.True(explained >= 3, $"{user}: only {explained} items explained");
        }
    }

    [Fact]
    public async Task Erasing_a_user_removes_their_profile()
    {
        (await PutProfileAsync(_client, "to-erase", Profile(2, 5))).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync("/api/v1/users/to-erase")).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/api/v1/users/to-erase")).StatusCode);
        Assert.Equal(0, await TestData.ScalarAsync(_database,
            "SELECT count(*) FROM user_profiles p WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = p.user_id)"));
        Assert.Equal("popularity", (await ListAsync("to-erase")).GetProperty("strategy").GetString());
    }

    [Fact]
    public async Task New_items_get_exploration_slots_below_the_top_three_and_pages_concatenate()
    {
        // New releases after training, no ratings: served from their genre, and new enough to explore.
        for (var genre = 0; genre < Clusters; genre++)
            for (var j = 0; j < 4; j++)
            {
                using var body = JsonDocument.Parse($$"""{"title": "new-{{genre}}-{{j}}", "attributes": {{TestData.ClusteredItemAttributes(genre, j)}}}""");
                (await _client.PutAsJsonAsync($"/api/v1/items/new-{genre}-{j}", body.RootElement)).EnsureSuccessStatusCode();
            }

        int explored = 0, listsWithOwn = 0;
        for (var u = 1; u <= 30; u++)
        {
            var user = u.ToString(CultureInfo.InvariantCulture);
            var whole = await ListAsync(user, "count=20");
            var items = whole.GetProperty("items").EnumerateArray().ToArray();
            var flags = items.Select(i => i.GetProperty("exploration").GetBoolean()).ToArray();
            Assert.False(flags.Take(3).Any(f => f), $"user {user}: exploration in the top three");
            foreach (var item in items.Where(i => i.GetProperty("exploration").GetBoolean()))
            {
                Assert.StartsWith("new-", item.GetProperty("itemId").GetString()!);
                explored++;
            }
            if (Ids(whole).Any(id => id.StartsWith("new-", StringComparison.Ordinal) && ClusterOfItem(id) == ClusterOfUser(user))) listsWithOwn++;

            var first = await ListAsync(user, "count=10");
            var second = await ListAsync(user, "offset=10&count=10");
            Assert.Equal(Ids(whole), Ids(first).Concat(Ids(second)));
        }

        // 0.3 of the 17 positions from 4 to 20: about 5 slots per list. The new items of the user's own genre mostly
        // earn ranked places from their genre; the slots then expose the other new items, best for the user first.
        output.WriteLine($"30 lists of 20: {explored} exploration slots; {listsWithOwn} lists hold a new item of the user's genre");
        Assert.InRange(explored, 30 * 4, 30 * 6);
        Assert.True(listsWithOwn >= 24, $"{listsWithOwn} of 30");
        var popular = await _client.GetFromJsonAsync<JsonElement>("/api/v1/users/never-seen/recommendations?count=20");
        Assert.All(popular.GetProperty("items").EnumerateArray(), i => Assert.False(i.GetProperty("exploration").GetBoolean()));
    }
}
