namespace RecommenderService.Engine.Tests;

public sealed class TopKScanTests
{
    // 1000 items: several 256-item chunks, a ragged last chunk, and k = 16 exercises the 4-row SIMD kernel.
    private static readonly FactorModel Model = TestData.DyadicModel(users: 20, items: 1000, factors: 16);

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(19)]
    public void Top_n_equals_a_brute_force_sort_with_ties_broken_by_item_index(int user)
    {
        var excluded = new[] { 17, 3, 999, 3, 512 };
        var result = TopKScan.ForUser(Model, user, 50, excluded);
        var expected = BruteForce(Model, user, excluded).Take(50).ToArray();
        Assert.Equal(expected, result);
    }

    [Fact]
    public void Recommendations_never_contain_excluded_items_or_duplicates()
    {
        var random = new Random(3);
        var excluded = Enumerable.Range(0, 300).Select(_ => random.Next(-10, 1010)).ToArray(); // unsorted, repeats, unknown ids
        var result = TopKScan.ForUser(Model, 2, 800, excluded);
        Assert.DoesNotContain(result, s => excluded.Contains(s.Item));
        Assert.Equal(result.Length, result.Select(s => s.Item).Distinct().Count());
        var allowed = 1000 - excluded.Where(i => i is >= 0 and < 1000).Distinct().Count();
        Assert.Equal(Math.Min(800, allowed), result.Length);
    }

    [Fact]
    public void Asking_for_more_than_there_is_returns_every_allowed_item_best_first()
    {
        var result = TopKScan.ForUser(Model, 1, 5000, [0, 1]);
        Assert.Equal(998, result.Length);
        Assert.Equal(BruteForce(Model, 1, [0, 1]), result);
    }

    [Fact]
    public void A_folded_in_vector_ranks_like_the_same_known_user()
    {
        var byIndex = TopKScan.ForUser(Model, 4, 10, []);
        var byVector = TopKScan.ForUser(Model, Model.UserVector(4), Model.UserBias[4], 10, []);
        Assert.Equal(byIndex, byVector);
    }

    [Fact]
    public void Zero_count_gives_an_empty_list()
    {
        Assert.Empty(TopKScan.ForUser(Model, 0, 0, []));
    }

    [Fact]
    public void Scores_are_the_model_scores()
    {
        foreach (var scored in TopKScan.ForUser(Model, 7, 20, []))
            Assert.Equal(Model.Score(7, scored.Item), scored.Score);
    }

    private static ScoredItem[] BruteForce(FactorModel model, int user, int[] excluded) =>
        Enumerable.Range(0, model.Items.Count)
            .Where(i => !excluded.Contains(i))
            .Select(i => new ScoredItem(i, Score(model, user, i)))
            .OrderByDescending(s => s.Score).ThenBy(s => s.Item)
            .ToArray();

    private static float Score(FactorModel model, int user, int item)
    {
        // Dyadic values make this exact, so equality with the SIMD path is exact too.
        var dot = 0f;
        for (var f = 0; f < model.Factors; f++) dot += model.UserVector(user)[f] * model.ItemVector(item)[f];
        return model.GlobalMean + model.UserBias[user] + model.ItemBias[item] + dot;
    }
}
