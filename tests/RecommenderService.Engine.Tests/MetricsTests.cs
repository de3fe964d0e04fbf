namespace RecommenderService.Engine.Tests;

public sealed class MetricsTests
{
    [Fact]
    public void Rmse_and_mae_match_hand_computation()
    {
        float[] predicted = [3, 4, 5, 2];
        float[] actual = [4, 4, 3, 1];
        // errors -1, 0, 2, 1: squares 1+0+4+1 = 6, absolutes 1+0+2+1 = 4
        Assert.Equal(Math.Sqrt(6.0 / 4), ErrorMetrics.Rmse(predicted, actual), 12);
        Assert.Equal(1.0, ErrorMetrics.Mae(predicted, actual), 12);
    }

    [Fact]
    public void Precision_recall_and_ndcg_at_k_match_hand_computation()
    {
        int[] ranked = [7, 3, 9, 1, 5];
        var relevant = new HashSet<int> { 3, 5, 8 };
        // top 3 = 7, 3, 9: one hit at rank 2
        Assert.Equal(1.0 / 3, RankingMetrics.PrecisionAtK(ranked, relevant, 3), 12);
        Assert.Equal(1.0 / 3, RankingMetrics.RecallAtK(ranked, relevant, 3), 12);
        // DCG = 1/log2(3); IDCG = 1 + 1/log2(3) + 1/2
        Assert.Equal((1 / Math.Log2(3)) / (1 + 1 / Math.Log2(3) + 0.5), RankingMetrics.NdcgAtK(ranked, relevant, 3), 12);
        // top 5: hits at ranks 2 and 5
        Assert.Equal(2.0 / 5, RankingMetrics.PrecisionAtK(ranked, relevant, 5), 12);
        Assert.Equal(2.0 / 3, RankingMetrics.RecallAtK(ranked, relevant, 5), 12);
        Assert.Equal((1 / Math.Log2(3) + 1 / Math.Log2(6)) / (1 + 1 / Math.Log2(3) + 0.5), RankingMetrics.NdcgAtK(ranked, relevant, 5), 12);
    }

    [Fact]
    public void A_short_list_keeps_k_as_the_precision_denominator_and_a_perfect_list_has_ndcg_one()
    {
        var relevant = new HashSet<int> { 1, 2 };
        Assert.Equal(2.0 / 10, RankingMetrics.PrecisionAtK([1, 2], relevant, 10), 12);
        Assert.Equal(1.0, RankingMetrics.RecallAtK([1, 2], relevant, 10), 12);
        Assert.Equal(1.0, RankingMetrics.NdcgAtK([2, 1, 9], relevant, 10), 12);
    }

    [Fact]
    public void Mean_skips_users_without_relevant_items()
    {
        var scores = RankingMetrics.Mean(
        [
            ([1, 2], new HashSet<int> { 1 }),          // P@2 = 1/2, R = 1, NDCG = 1
            ([3, 4], new HashSet<int> { 9 }),          // P = 0, R = 0, NDCG = 0
            ([5, 6], new HashSet<int>()),              // skipped
        ], 2);
        Assert.Equal(2, scores.Users);
        Assert.Equal(0.25, scores.Precision, 12);
        Assert.Equal(0.5, scores.Recall, 12);
        Assert.Equal(0.5, scores.Ndcg, 12);
    }

    [Fact]
    public void Relevant_items_use_the_threshold_or_every_held_out_item()
    {
        var b = new RatingSetBuilder();
        b.Add("u", "a", 5);
        b.Add("u", "b", 3);
        b.Add("v", "a", 4);
        var test = b.Build();
        var byThreshold = RankingMetrics.RelevantItems(test);
        Assert.Equal([0], byThreshold[0]);
        Assert.Equal([0], byThreshold[1]);
        Assert.Equal([0, 1], RankingMetrics.RelevantItems(test, null)[0].Order());
    }

    [Fact]
    public void Top_items_are_best_first_skip_excluded_and_break_ties_by_index()
    {
        float[] scores = [1, 5, 3, 5, 4, float.NaN];
        Assert.Equal([1, 3, 4], TopK.Of(scores, 3, []).Select(s => s.Item));
        Assert.Equal([3, 2, 0], TopK.Of(scores, 3, [4, 1]).Select(s => s.Item));
        Assert.Equal(5, TopK.Of(scores, 10, []).Length);
    }
}
