namespace RecommenderService.Engine.Tests;

public sealed class ListScoreTests
{
    [Fact]
    public void The_list_score_rises_with_the_ranking_score_and_with_the_predicted_rating_on_both_sides_of_zero()
    {
        var score = ListScore.Default;
        var scale = RatingScale.OneToFive;
        foreach (var s in new[] { -0.5f, -0.1f, 0f, 0.1f, 0.5f })
            for (var r = 1f; r < 5f; r += 0.5f)
            {
                Assert.True(score.Combine(s, r + 0.5f, scale) >= score.Combine(s, r, scale), $"s {s}, r {r}");
                Assert.True(score.Combine(s + 0.1f, r, scale) > score.Combine(s, r, scale), $"s {s}, r {r}");
            }
        // At the threshold g = 1/2; the ranking head alone keeps the ranking score.
        Assert.Equal(0.25f, score.Combine(0.5f, 3f, scale), 5);
        Assert.Equal(0.7f, ListScore.RankingOnly.Combine(0.7f, 1f, scale));
        // Scaled: the middle of a 0-10 scale is where 3 is on 1-5.
        Assert.Equal(0.25f, score.Combine(0.5f, 5f, new RatingScale(0, 10)), 5);
    }

    [Fact]
    public void A_predicted_dislike_drops_below_an_item_the_ranking_head_scores_a_little_lower()
    {
        // Item 0 has the higher ranking score, but the rating head predicts 1.5 stars; item 1 is predicted 4.5.
        var model = new FactorModel(new IdMap(["u"]), new IdMap(["a", "b", "c"]), 1, 3f, [0f], [-1.5f, 1.5f, 0f], [1f], [0f, 0f, 0f],
            RatingScale.OneToFive, new RankingHead(1, [1f], [0.6f, 0.5f, 0.1f], 0.25f, ConfidenceWeighting.Rating, 20f));

        Assert.Equal([0, 1, 2], TopKScan.ForUserList(model, 0, 3, [], ListScore.RankingOnly).Select(s => s.Item));
        var list = TopKScan.ForUserList(model, 0, 3, []);
        Assert.Equal([1, 0, 2], list.Select(s => s.Item));
        Assert.Equal(ListScore.Default.Combine(0.5f, 4.5f, model.Scale), list[0].Score);
        // Evaluation scores exactly what the list ranks by.
        var scores = new float[3];
        new RankingHeadPredictor(model).ScoreItems(0, scores);
        Assert.Equal(list.OrderBy(s => s.Item).Select(s => s.Score), scores);
    }
}
