using RecommenderService.Api.Model.Loading;
using RecommenderService.Engine;

namespace RecommenderService.Api.Tests.Recommendations;

/// <summary>A model with a ranking head: lists follow the ranking head, ratings still come from the rating head.</summary>
[Collection(PostgresCollection.Name)]
public sealed class RankedRecommendationTests(PostgresFixture postgres) : TrainedServiceTests(postgres)
{
    protected override RatingSet Seed() => TestData.ClusteredRatings();

    protected override FactorModel Train(RatingSet ratings) => TestData.Train(ratings)
        .WithRanking(new RankingTrainer(new RankingOptions { Factors = 8, Regularization = 2, RegularizationPerItemRating = null, Threads = 1 }).Train(ratings));

    [Fact]
    public async Task A_modelled_users_list_follows_the_engines_list_score_and_shows_the_rating_heads_prediction()
    {
        const string user = "7";

        var list = await Client.GetFromJsonAsync<JsonElement>($"/api/v1/users/{user}/recommendations?count=10");

        Model.Users.TryGetIndex(user, out var u);
        Ratings.Users.TryGetIndex(user, out var ratingUser);
        var rated = new HashSet<int>();
        for (var r = 0; r < Ratings.Count; r++)
            if (Ratings.User[r] == ratingUser && Model.Items.TryGetIndex(Ratings.Items[Ratings.Item[r]], out var i)) rated.Add(i);
        // The list score: the ranking head's score weighted by the rating head's prediction (ListScore).
        float Score(int i) => ListScore.Default.Combine(Model.Ranking!.Score(u, i), Model.Score(u, i), Model.Scale);
        var expected = Enumerable.Range(0, Model.Items.Count).Where(i => !rated.Contains(i))
            .OrderByDescending(Score).ThenBy(i => i).Take(10).ToList();
        var items = list.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal("model", list.GetProperty("strategy").GetString());
        Assert.Equal(expected.Select(i => Model.Items[i]), items.Select(i => i.GetProperty("itemId").GetString()));
        Assert.Equal(Score(expected[0]), items[0].GetProperty("score").GetDouble(), 3);
        Assert.Equal(Model.Predict(u, expected[0]), items[0].GetProperty("predictedRating").GetDouble(), 3);
    }

    [Fact]
    public async Task A_version_whose_lists_come_from_the_ranking_head_alone_lists_by_the_ranking_score_unweighted()
    {
        // The gate chose the ranking head alone (the weighted lists lost to popularity on its holdout).
        await TestData.StoreActiveModelAsync(Factory.ConnectionString, Model, DateTimeOffset.UtcNow,
            metrics: """{"rmse": 0.9, "listSource": "ranking-head-only"}""");
        await Factory.Services.GetRequiredService<ActiveModelLoader>().LoadActiveAsync(CancellationToken.None);
        const string user = "7";

        var list = await Client.GetFromJsonAsync<JsonElement>($"/api/v1/users/{user}/recommendations?count=10");
        var model = await Factory.CreateClientAsAdmin().GetFromJsonAsync<JsonElement>("/api/v1/model");

        Model.Users.TryGetIndex(user, out var u);
        Ratings.Users.TryGetIndex(user, out var ratingUser);
        var rated = new HashSet<int>();
        for (var r = 0; r < Ratings.Count; r++)
            if (Ratings.User[r] == ratingUser && Model.Items.TryGetIndex(Ratings.Items[Ratings.Item[r]], out var i)) rated.Add(i);
        float Score(int i) => Model.Ranking!.Score(u, i);
        var expected = Enumerable.Range(0, Model.Items.Count).Where(i => !rated.Contains(i))
            .OrderByDescending(Score).ThenBy(i => i).Take(10).ToList();
        var weighted = TopKScan.ForUserList(Model, u, 10, rated.ToArray()).Select(s => s.Item).ToList();
        var items = list.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal("ranking-head-only", model.GetProperty("listSource").GetString());
        Assert.NotEqual(expected, weighted); // the two orders differ on this data, so the test tells them apart
        Assert.Equal(expected.Select(i => Model.Items[i]), items.Select(i => i.GetProperty("itemId").GetString()));
        Assert.Equal(Score(expected[0]), items[0].GetProperty("score").GetDouble(), 3);
        Assert.Equal(Model.Predict(u, expected[0]), items[0].GetProperty("predictedRating").GetDouble(), 3);
    }

    [Fact]
    public async Task A_new_user_is_folded_into_the_ranking_head_and_gets_their_clusters_items()
    {
        // Items of cluster 2 are item-2, item-7, item-12, ...: a newcomer who loves three of them.
        foreach (var item in new[] { "item-2", "item-7", "item-12" })
            (await Client.PutAsJsonAsync($"/api/v1/users/newcomer/ratings/{item}", new { rating = 5 })).EnsureSuccessStatusCode();

        var list = await Client.GetFromJsonAsync<JsonElement>("/api/v1/users/newcomer/recommendations?count=5");

        var ids = list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("itemId").GetString()!).ToList();
        Assert.Equal("folded-in", list.GetProperty("strategy").GetString());
        Assert.DoesNotContain("item-2", ids);
        Assert.True(ids.Count(id => int.Parse(id["item-".Length..]) % 5 == 2) >= 4, string.Join(", ", ids));
    }

    [Fact]
    public async Task Similar_items_come_from_the_ranking_factors()
    {
        var similar = await Client.GetFromJsonAsync<JsonElement>("/api/v1/items/item-3/similar?count=5");

        var ids = similar.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("itemId").GetString()!).ToList();
        Assert.Equal(5, ids.Count);
        Assert.True(ids.Count(id => int.Parse(id["item-".Length..]) % 5 == 3) >= 4, string.Join(", ", ids));
    }
}
