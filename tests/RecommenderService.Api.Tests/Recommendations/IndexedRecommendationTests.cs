using RecommenderService.Api.Model.Loading;
using RecommenderService.Engine;

namespace RecommenderService.Api.Tests.Recommendations;

/// <summary>
/// A model at or above <c>ItemIndex:MinItems</c>: loaded with HNSW indexes, its lists and similar items come from
/// their candidates, re-ranked exactly, and pages still continue one another.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class IndexedRecommendationTests(PostgresFixture postgres) : TrainedServiceTests(postgres)
{
    // Every model is indexed, and lists take so few candidates that a page of 10 needs the widened searches.
    protected override Dictionary<string, string?> Settings => new(base.Settings) { ["ItemIndex:MinItems"] = "1", ["ItemIndex:Candidates"] = "4" };

    protected override RatingSet Seed() => TestData.ClusteredRatings();

    protected override FactorModel Train(RatingSet ratings) => TestData.Train(ratings)
        .WithRanking(new RankingTrainer(new RankingOptions { Factors = 8, Regularization = 2, RegularizationPerItemRating = null, Threads = 1 }).Train(ratings));

    private async Task<List<string>> ListAsync(string user, int count, int offset)
    {
        var list = await Client.GetFromJsonAsync<JsonElement>($"/api/v1/users/{user}/recommendations?count={count}&offset={offset}");
        return list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("itemId").GetString()!).ToList();
    }

    [Fact]
    public async Task An_indexed_models_pages_continue_the_first_page_and_match_the_engines_list()
    {
        const string user = "7";

        var first = await ListAsync(user, 10, 0);
        var second = await ListAsync(user, 10, 10);
        var both = await ListAsync(user, 20, 0);

        var served = Factory.Services.GetRequiredService<ModelHolder>().Current!.Model;
        Assert.NotNull(served.Ranking!.Indexes);
        Assert.Equal(both, first.Concat(second));
        Assert.Equal(20, both.Distinct().Count());
        // The same list the engine makes from the served model's index for the user's rated items.
        served.Users.TryGetIndex(user, out var u);
        Ratings.Users.TryGetIndex(user, out var ratingUser);
        var rated = new List<int>();
        for (var r = 0; r < Ratings.Count; r++)
            if (Ratings.User[r] == ratingUser && served.Items.TryGetIndex(Ratings.Items[Ratings.Item[r]], out var i)) rated.Add(i);
        var expected = TopKScan.ForUserList(served, u, 20, rated.ToArray()).Select(s => served.Items[s.Item]);
        Assert.Equal(expected, both);
    }

    [Fact]
    public async Task Similar_items_of_an_indexed_model_are_the_nearest_by_cosine()
    {
        var similar = await Client.GetFromJsonAsync<JsonElement>("/api/v1/items/item-7/similar?count=5");

        var served = Factory.Services.GetRequiredService<ModelHolder>().Current!.Model;
        served.Items.TryGetIndex("item-7", out var item);
        var exact = new ItemSimilarityReference(served).MostSimilar(item, 5).Select(i => served.Items[i]);
        Assert.Equal(exact, similar.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("itemId").GetString()));
    }

    /// <summary>Cosine of the ranking head's item vectors over every item, the scan the index stands in for.</summary>
    private sealed class ItemSimilarityReference(FactorModel model)
    {
        public IEnumerable<int> MostSimilar(int item, int count)
        {
            var head = model.Ranking!;
            float Cosine(int other) => System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(head.ItemVector(item), head.ItemVector(other));
            return Enumerable.Range(0, model.Items.Count).Where(i => i != item).OrderByDescending(Cosine).ThenBy(i => i).Take(count);
        }
    }
}
