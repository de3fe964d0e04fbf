using RecommenderService.Api.Items.PopularItems;
using RecommenderService.Engine;

namespace RecommenderService.Api.Tests.Recommendations;

[Collection(PostgresCollection.Name)]
public sealed class RecommendationTests(PostgresFixture postgres) : TrainedServiceTests(postgres)
{
    [Fact]
    public async Task A_user_unchanged_since_training_gets_the_models_top_items_without_rated_ones()
    {
        var user = Ratings.Users[0];

        var list = await GetListAsync(user, "count=10");

        Assert.Equal("model", list.GetProperty("strategy").GetString());
        Assert.Equal(Version, list.GetProperty("modelVersion").GetInt32());
        Assert.Equal(BruteForceTop(user, 10, excludeRated: true), ItemIds(list));
    }

    [Fact]
    public async Task Rated_items_stay_in_the_list_when_excludeRated_is_false()
    {
        var user = Ratings.Users[1];

        var list = await GetListAsync(user, "count=15&excludeRated=false");

        Assert.Equal(BruteForceTop(user, 15, excludeRated: false), ItemIds(list));
    }

    [Fact]
    public async Task Scores_are_predicted_ratings_on_the_scale_best_first()
    {
        var list = await GetListAsync(Ratings.Users[2], "count=20");

        var scores = list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("score").GetDouble()).ToList();
        Assert.Equal(20, scores.Count);
        Assert.All(scores, s => Assert.InRange(s, 1.0, 5.0));
        Assert.Equal(scores.OrderByDescending(s => s), scores);
    }

    [Fact]
    public async Task A_fresh_rating_folds_the_user_in_and_changes_the_next_list()
    {
        var user = Ratings.Users[3];
        var before = await GetListAsync(user, "count=10");
        var topItem = ItemIds(before)[0];

        var put = await Client.PutAsJsonAsync($"/api/v1/users/{user}/ratings/{topItem}", new { rating = 1.0 });
        put.EnsureSuccessStatusCode();
        var after = await GetListAsync(user, "count=10");

        Assert.Equal("model", before.GetProperty("strategy").GetString());
        Assert.Equal("folded-in", after.GetProperty("strategy").GetString());
        Assert.DoesNotContain(topItem, ItemIds(after));
    }

    [Fact]
    public async Task A_user_new_to_the_model_is_folded_in_from_their_ratings()
    {
        var items = new[] { Ratings.Items[0], Ratings.Items[1], Ratings.Items[2] };
        foreach (var item in items)
            (await Client.PutAsJsonAsync($"/api/v1/users/newcomer-1/ratings/{item}", new { rating = 5.0 })).EnsureSuccessStatusCode();

        var list = await GetListAsync("newcomer-1", "count=10");

        Assert.Equal("folded-in", list.GetProperty("strategy").GetString());
        Assert.Equal(10, ItemIds(list).Count);
        Assert.Empty(ItemIds(list).Intersect(items));
    }

    [Fact]
    public async Task An_unknown_user_gets_the_popularity_list_not_a_404()
    {
        var list = await GetListAsync("never-seen-before", "count=5");

        Assert.Equal("popularity", list.GetProperty("strategy").GetString());
        Assert.Equal(Version, list.GetProperty("modelVersion").GetInt32());
        Assert.Equal(5, ItemIds(list).Count);
    }

    [Fact]
    public async Task A_deleted_user_gets_no_personalised_list_from_that_moment()
    {
        var user = Ratings.Users[4];
        Assert.Equal("model", (await GetListAsync(user, "")).GetProperty("strategy").GetString());

        var delete = await Factory.CreateClientAsAdmin().DeleteAsync($"/api/v1/users/{user}");
        var after = await GetListAsync(user, "");

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal("popularity", after.GetProperty("strategy").GetString());
    }

    [Fact]
    public async Task The_popularity_list_leaves_out_what_the_user_rated()
    {
        // An item newer than the model, loved by many: it tops the popularity list.
        var fans = new RatingSetBuilder();
        for (var k = 0; k < 40; k++) fans.Add($"fan-{k}", "hit-item", 5f);
        await TestData.InsertRatingsAsync(Factory.ConnectionString, fans.Build(), DateTimeOffset.UtcNow);
        await Factory.Services.GetRequiredService<PopularityCache>().RefreshAsync(CancellationToken.None);
        var popular = await Client.GetFromJsonAsync<JsonElement>("/api/v1/items/popular?count=3");
        Assert.Equal("hit-item", popular.GetProperty("items")[0].GetProperty("itemId").GetString());

        // A user whose only rating is that item: the model cannot personalise, popularity without it.
        (await Client.PutAsJsonAsync("/api/v1/users/hit-fan/ratings/hit-item", new { rating = 5.0 })).EnsureSuccessStatusCode();
        var list = await GetListAsync("hit-fan", "count=10");
        var unfiltered = await GetListAsync("hit-fan", "count=10&excludeRated=false");

        Assert.Equal("popularity", list.GetProperty("strategy").GetString());
        Assert.DoesNotContain("hit-item", ItemIds(list));
        Assert.Equal("hit-item", ItemIds(unfiltered)[0]);
    }

    [Theory]
    [InlineData("count=0", "count")]
    [InlineData("count=101", "count")]
    [InlineData("count=-3", "count")]
    public async Task A_list_size_outside_1_to_100_is_a_400_problem(string query, string field)
    {
        var response = await Client.GetAsync($"/api/v1/users/{Ratings.Users[0]}/recommendations?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Theory]
    [InlineData("count=abc")]
    [InlineData("excludeRated=maybe")]
    public async Task A_malformed_query_value_is_a_400_problem(string query)
    {
        var response = await Client.GetAsync($"/api/v1/users/{Ratings.Users[0]}/recommendations?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_user_id_with_whitespace_is_a_400_problem()
    {
        var response = await Client.GetAsync("/api/v1/users/has%20space/recommendations");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("userId", out _));
    }

    [Fact]
    public async Task A_user_id_longer_than_128_characters_is_a_400_problem()
    {
        var response = await Client.GetAsync($"/api/v1/users/{new string('u', 129)}/recommendations");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_prediction_for_a_modelled_pair_is_the_models_clamped_rating()
    {
        var user = Ratings.Users[5];
        var item = Ratings.Items[7];

        var prediction = await Client.GetFromJsonAsync<JsonElement>($"/api/v1/users/{user}/predictions/{item}");

        Model.Users.TryGetIndex(user, out var u);
        Model.Items.TryGetIndex(item, out var i);
        Assert.Equal("model", prediction.GetProperty("strategy").GetString());
        Assert.Equal(Model.Predict(u, i), prediction.GetProperty("predictedRating").GetDouble(), 3);
        Assert.Equal(Version, prediction.GetProperty("modelVersion").GetInt32());
    }

    [Fact]
    public async Task A_prediction_for_an_unknown_user_is_the_items_baseline()
    {
        var item = Ratings.Items[3];

        var prediction = await Client.GetFromJsonAsync<JsonElement>($"/api/v1/users/stranger/predictions/{item}");

        Model.Items.TryGetIndex(item, out var i);
        Assert.Equal("popularity", prediction.GetProperty("strategy").GetString());
        Assert.Equal(Math.Clamp(Model.GlobalMean + Model.ItemBias[i], 1, 5), prediction.GetProperty("predictedRating").GetDouble(), 3);
    }

    [Fact]
    public async Task A_prediction_for_an_unknown_item_is_a_404_problem()
    {
        var response = await Client.GetAsync($"/api/v1/users/{Ratings.Users[0]}/predictions/no-such-item");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Lists_and_counters_show_up_in_the_prometheus_metrics()
    {
        await GetListAsync(Ratings.Users[6], "");

        var text = await Factory.CreateClientWithKey(null).GetStringAsync("/metrics");

        Assert.Contains("recommender_recommendations_total{strategy=\"model\",source=\"rating_head\"}", text);
        Assert.Contains($"recommender_active_model_version {Version}", text);
        Assert.Contains("http_request_duration_seconds", text);
    }

    private async Task<JsonElement> GetListAsync(string user, string query)
    {
        var response = await Client.GetAsync($"/api/v1/users/{user}/recommendations?{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static List<string> ItemIds(JsonElement list) =>
        list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("itemId").GetString()!).ToList();

    /// <summary>The reference answer: score every item, drop rated ones, sort.</summary>
    private List<string> BruteForceTop(string user, int count, bool excludeRated)
    {
        Model.Users.TryGetIndex(user, out var u);
        Ratings.Users.TryGetIndex(user, out var ratingUser);
        var rated = new HashSet<int>();
        for (var r = 0; r < Ratings.Count; r++)
            if (Ratings.User[r] == ratingUser && Model.Items.TryGetIndex(Ratings.Items[Ratings.Item[r]], out var i)) rated.Add(i);
        return Enumerable.Range(0, Model.Items.Count)
            .Where(i => !excludeRated || !rated.Contains(i))
            .OrderByDescending(i => Model.Score(u, i)).ThenBy(i => i)
            .Take(count)
            .Select(i => Model.Items[i])
            .ToList();
    }
}
