namespace RecommenderService.Engine.Tests;

public sealed class ItemSimilarityTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(321)]
    public void Most_similar_items_are_the_top_cosines_and_exclude_the_item_itself(int item)
    {
        var model = TestData.RandomModel(users: 5, items: 600, factors: 24);
        var result = ItemSimilarity.MostSimilar(model, item, 25);

        var cosine = Enumerable.Range(0, model.Items.Count).Select(j => Cosine(model, item, j)).ToArray();
        Assert.Equal(25, result.Length);
        Assert.DoesNotContain(result, s => s.Item == item);
        Assert.Equal(25, result.Select(s => s.Item).Distinct().Count());
        foreach (var s in result) Assert.Equal(cosine[s.Item], s.Score, 5);
        for (var r = 1; r < result.Length; r++) Assert.True(result[r - 1].Score >= result[r].Score);
        var bestLeftOut = Enumerable.Range(0, model.Items.Count).Where(j => j != item && result.All(s => s.Item != j)).Max(j => cosine[j]);
        Assert.True(result[^1].Score >= bestLeftOut - 1e-5);
    }

    [Fact]
    public void Excluded_items_are_skipped_inside_the_scan_so_the_list_stays_full()
    {
        var model = TestData.RandomModel(users: 5, items: 300, factors: 16);
        var all = ItemSimilarity.MostSimilar(model, 7, 299);
        int[] excluded = [.. all.Take(10).Select(s => s.Item), 7, 7, 5000];

        var result = ItemSimilarity.MostSimilar(model, 7, 20, excluded);

        Assert.Equal(all.Skip(10).Take(20), result);
    }

    [Fact]
    public void Identical_directions_score_one_and_a_zero_vector_scores_zero()
    {
        float[] q = [1, 2, 0, /**/ 2, 4, 0, /**/ 0, 0, 0, /**/ -1, -2, 0];
        var model = new FactorModel(new IdMap(["u"]), new IdMap(["a", "b", "zero", "opposite"]), 3, 3, [0], [0, 0, 0, 0], [1, 1, 1], q,
            RatingScale.OneToFive);
        var result = ItemSimilarity.MostSimilar(model, 0, 3);
        Assert.Equal(new ScoredItem(1, 1f), result[0]);
        Assert.Equal(new ScoredItem(2, 0f), result[1]);
        Assert.Equal(3, result[2].Item);
        Assert.Equal(-1f, result[2].Score, 6);
    }

    private static double Cosine(FactorModel model, int a, int b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var f = 0; f < model.Factors; f++)
        {
            double x = model.ItemVector(a)[f], y = model.ItemVector(b)[f];
            dot += x * y;
            na += x * x;
            nb += y * y;
        }
        return dot / Math.Sqrt(na * nb);
    }
}
