using RecommenderService.Api.Model.Loading;
using RecommenderService.Engine;

namespace RecommenderService.Api.Tests.Recommendations;

/// <summary>
/// <c>include=reasons</c> through the real service: the rated items and shares are the engine's exact split of the
/// ranking score, every strategy has its reason form, and bad values are refused.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ReasonTests(PostgresFixture postgres) : IAsyncLifetime
{
    private RecommenderApiFactory _factory = null!;
    private HttpClient _client = null!;
    private RatingSet _ratings = null!;
    private FactorModel _model = null!;

    public async Task InitializeAsync()
    {
        _factory = new RecommenderApiFactory(await postgres.CreateDatabaseAsync(), new Dictionary<string, string?> { ["RateLimiting:Enabled"] = "false" });
        _client = _factory.CreateClientAsClient();
        _ratings = TestData.ClusteredRatings();
        await TestData.InsertRatingsAsync(_factory.ConnectionString, _ratings, DateTimeOffset.UtcNow.AddHours(-1));
        _model = TestData.Train(_ratings).WithRanking(new RankingTrainer(new RankingOptions { Factors = 8, Regularization = 2, RegularizationPerItemRating = null, Threads = 1 }).Train(_ratings));
        await TestData.StoreActiveModelAsync(_factory.ConnectionString, _model, DateTimeOffset.UtcNow);
        await _factory.Services.GetRequiredService<ActiveModelLoader>().LoadActiveAsync(CancellationToken.None);
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task A_modelled_users_reasons_are_their_own_rated_items_whose_exact_shares_make_the_whole_served_score()
    {
        const string user = "7";
        var (items, values) = RatingsOf(user);
        _model.Users.TryGetIndex(user, out var u);
        var engine = RankingReasons.ForTrainedUser(_model, items, values);

        var list = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/users/{user}/recommendations?count=10&include=reasons");

        Assert.Equal("model", list.GetProperty("strategy").GetString());
        var listed = list.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(10, listed.Count);
        foreach (var entry in listed)
        {
            _model.Items.TryGetIndex(entry.GetProperty("itemId").GetString()!, out var item);
            var expected = engine.Explain(item, _model.Ranking!.UserVector(u));
            var reasons = entry.GetProperty("reasons");
            var rated = reasons.GetProperty("ratedItems").EnumerateArray().ToList();

            Assert.Equal("rated", reasons.GetProperty("kind").GetString());
            Assert.StartsWith("Because you rated ", reasons.GetProperty("text").GetString());
            Assert.Equal(expected.Top.Select(r => _model.Items[r.Item]), rated.Select(r => r.GetProperty("itemId").GetString()));
            Assert.All(rated, r => Assert.Contains(r.GetProperty("itemId").GetString(), items.Select(i => _model.Items[i])));
            for (var r = 0; r < rated.Count; r++) Assert.Equal(expected.Top[r].Share, rated[r].GetProperty("share").GetDouble(), tolerance: 1e-3);
            // The stored row is the solve the shares split: nothing is left over (to the 4 places given).
            Assert.True(Math.Abs(expected.Unexplained) <= 1e-4 * expected.Score, $"unexplained {expected.Unexplained} of {expected.Score}");
            Assert.Equal(0, reasons.GetProperty("unexplainedShare").GetDouble(), tolerance: 1e-4);
        }
    }

    [Fact]
    public async Task A_folded_in_users_reasons_leave_nothing_unexplained()
    {
        const string user = "fresh-reader";
        (string Item, int Rating)[] rated = [("item-0", 5), ("item-5", 5), ("item-10", 4), ("item-15", 5), ("item-3", 2), ("item-21", 4)];
        foreach (var (item, rating) in rated)
            (await _client.PutAsJsonAsync($"/api/v1/users/{user}/ratings/{item}", new { rating })).EnsureSuccessStatusCode();
        var indices = rated.Select(r => _model.Items.TryGetIndex(r.Item, out var i) ? i : -1).ToArray();
        var engine = RankingReasons.For(_model, indices, rated.Select(r => (float)r.Rating).ToArray());

        var list = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/users/{user}/recommendations?count=5&include=reasons");

        Assert.Equal("folded-in", list.GetProperty("strategy").GetString());
        foreach (var entry in list.GetProperty("items").EnumerateArray())
        {
            _model.Items.TryGetIndex(entry.GetProperty("itemId").GetString()!, out var item);
            var expected = engine.Explain(item);
            var reasons = entry.GetProperty("reasons");
            Assert.Equal("rated", reasons.GetProperty("kind").GetString());
            Assert.Equal(0, reasons.GetProperty("unexplainedShare").GetDouble(), tolerance: 1e-4);
            Assert.Equal(expected.Top.Select(r => _model.Items[r.Item]),
                reasons.GetProperty("ratedItems").EnumerateArray().Select(r => r.GetProperty("itemId").GetString()));
        }
    }

    [Fact]
    public async Task Reasons_name_the_rated_items_by_their_catalogue_titles()
    {
        const string user = "12";
        foreach (var item in RatingsOf(user).Items.Select(i => _model.Items[i]))
            (await _client.PutAsJsonAsync($"/api/v1/items/{item}", new { title = $"Film {item}" })).EnsureSuccessStatusCode();

        var list = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/users/{user}/recommendations?count=3&include=reasons");

        var reasons = list.GetProperty("items")[0].GetProperty("reasons");
        var rated = reasons.GetProperty("ratedItems").EnumerateArray().ToList();
        Assert.All(rated, r => Assert.Equal($"Film {r.GetProperty("itemId").GetString()}", r.GetProperty("title").GetString()));
        var titles = rated.Select(r => r.GetProperty("title").GetString()!).ToList();
        var expected = "Because you rated " + (titles.Count == 1 ? titles[0] : string.Join(", ", titles[..^1]) + " and " + titles[^1]);
        Assert.Equal(expected, reasons.GetProperty("text").GetString());
    }

    [Fact]
    public async Task The_list_is_the_same_with_and_without_reasons_and_without_them_reasons_is_null()
    {
        var plain = await _client.GetFromJsonAsync<JsonElement>("/api/v1/users/9/recommendations?count=10&include=attributes");
        var explained = await _client.GetFromJsonAsync<JsonElement>("/api/v1/users/9/recommendations?count=10&include=attributes,reasons");

        var without = plain.GetProperty("items").EnumerateArray().ToList();
        var with = explained.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(without.Select(i => i.GetProperty("itemId").GetString()), with.Select(i => i.GetProperty("itemId").GetString()));
        Assert.Equal(without.Select(i => i.GetProperty("score").GetDouble()), with.Select(i => i.GetProperty("score").GetDouble()));
        Assert.All(without, i => Assert.Equal(JsonValueKind.Null, i.GetProperty("reasons").ValueKind));
        Assert.All(with, i => Assert.Equal("rated", i.GetProperty("reasons").GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task A_popular_list_gives_each_item_the_popular_reason()
    {
        var list = await _client.GetFromJsonAsync<JsonElement>("/api/v1/users/never-seen/recommendations?count=5&include=reasons");

        Assert.Equal("popularity", list.GetProperty("strategy").GetString());
        foreach (var entry in list.GetProperty("items").EnumerateArray())
        {
            var reasons = entry.GetProperty("reasons");
            Assert.Equal("popular", reasons.GetProperty("kind").GetString());
            var count = _ratings.Item.Count(i => _ratings.Items[i] == entry.GetProperty("itemId").GetString());
            Assert.StartsWith($"Popular: rated {count:N0} times", reasons.GetProperty("text").GetString());
            Assert.Equal(JsonValueKind.Null, reasons.GetProperty("ratedItems").ValueKind);
        }
    }

    [Fact]
    public async Task A_list_ordered_by_predicted_rating_says_in_words_that_it_has_no_reasons()
    {
        await TestData.StoreActiveModelAsync(_factory.ConnectionString, _model, DateTimeOffset.UtcNow,
            metrics: """{"rmse": 0.9, "listSource": "rating-head"}""");
        await _factory.Services.GetRequiredService<ActiveModelLoader>().LoadActiveAsync(CancellationToken.None);

        var list = await _client.GetFromJsonAsync<JsonElement>("/api/v1/users/7/recommendations?count=5&include=reasons");

        Assert.Equal("model", list.GetProperty("strategy").GetString());
        Assert.All(list.GetProperty("items").EnumerateArray(), entry =>
        {
            var reasons = entry.GetProperty("reasons");
            Assert.Equal("none", reasons.GetProperty("kind").GetString());
            Assert.Contains("predicted rating", reasons.GetProperty("text").GetString());
        });
    }

    [Theory]
    [InlineData("/api/v1/users/7/recommendations?include=why")]
    [InlineData("/api/v1/users/7/recommendations?include=reasons,")]
    [InlineData("/api/v1/items/popular?include=reasons")]
    [InlineData("/api/v1/items/item-1/similar?include=because")]
    public async Task An_include_value_the_route_does_not_offer_is_a_400_naming_include(string url)
    {
        var response = await _client.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("include", out _));
    }

    [Fact]
    public async Task Similar_items_with_reasons_give_the_attributes_both_items_have_and_how_many_users_rated_both()
    {
        var attributes = _model.Items.Ids.ToDictionary(id => id, id => TestData.ClusteredItemAttributes(TestData.ClusterOf(id), int.Parse(id["item-".Length..])));
        await TestData.SetItemAttributesAsync(_factory.ConnectionString, attributes);
        const string item = "item-7";

        var similar = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/items/{item}/similar?count=8&include=reasons");

        var raters = UsersWhoRated(item);
        var listed = similar.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(8, listed.Count);
        foreach (var entry in listed)
        {
            var other = entry.GetProperty("itemId").GetString()!;
            var reasons = entry.GetProperty("reasons");
            Assert.Equal(raters.Intersect(UsersWhoRated(other)).Count(), reasons.GetProperty("ratedByBoth").GetInt32());
            var shared = reasons.GetProperty("sharedAttributes").EnumerateArray()
                .Select(a => $"{a.GetProperty("key").GetString()}={a.GetProperty("value").GetString()}").ToHashSet();
            var expected = new HashSet<string>();
            if (TestData.ClusterOf(other) == TestData.ClusterOf(item)) expected.Add($"genres=Genre{TestData.ClusterOf(item)}");
            if (int.Parse(other["item-".Length..]) % 7 == 7 % 7) expected.Add($"year={1990 + 7 % 7}");
            Assert.Equal(expected, shared);
        }
    }

    private (int[] Items, float[] Values) RatingsOf(string user)
    {
        _ratings.Users.TryGetIndex(user, out var ratingUser);
        var items = new List<int>();
        var values = new List<float>();
        for (var r = 0; r < _ratings.Count; r++)
            if (_ratings.User[r] == ratingUser && _model.Items.TryGetIndex(_ratings.Items[_ratings.Item[r]], out var i))
            {
                items.Add(i);
                values.Add(_ratings.Value[r]);
            }
        return (items.ToArray(), values.ToArray());
    }

    private HashSet<int> UsersWhoRated(string item)
    {
        _ratings.Items.TryGetIndex(item, out var index);
        var users = new HashSet<int>();
        for (var r = 0; r < _ratings.Count; r++)
            if (_ratings.Item[r] == index) users.Add(_ratings.User[r]);
        return users;
    }
}
