namespace RecommenderService.Engine.Tests;

/// <summary>
/// Explicit negatives in the ranking head (<see cref="RankingFeedback"/>): a rating at or below the disliked threshold
/// is "not wanted" (preference 0, confidence 1 + the negative bonus), the same in training and in the fold-in.
/// </summary>
public sealed class RankingNegativesTests
{
    private static readonly RankingOptions Exact = new()
    {
        Factors = 8, Iterations = 10, Regularization = 1f, RegularizationPerItemRating = null, Threads = 1, ConjugateGradientSteps = 0,
    };

    private static readonly RankingOptions WithNegatives = Exact with { NegativeThreshold = 2, NegativeAlpha = 4 };

    /// <summary>
    /// Two taste groups of 30 users, 12 favourite items each. Everyone in group 0 also rates the twin items "a" and
    /// "b" 4 stars, so the two are comparable; the five probe users share group 0's taste, rated "a" 1 star and never
    /// saw "b".
    /// </summary>
    private static RatingSet TwinItems()
    {
        var random = new Random(4);
        var b = new RatingSetBuilder();
        for (var g = 0; g < 2; g++)
            for (var u = 0; u < 30; u++)
            {
                for (var f = 0; f < 12; f++) b.Add($"g{g}-{u}", $"fav{g}-{f}", random.Next(4, 6));
                if (g == 0)
                {
                    b.Add($"g{g}-{u}", "a", 4);
                    b.Add($"g{g}-{u}", "b", 4);
                }
            }
        for (var p = 0; p < 5; p++)
        {
            foreach (var f in Enumerable.Range(0, 12).OrderBy(_ => random.Next()).Take(8)) b.Add($"probe{p}", $"fav0-{f}", 5);
            b.Add($"probe{p}", "a", 1);
        }
        return b.Build();
    }

    private static (float A, float B)[] ProbeScores(RatingSet ratings, RankingHead head) =>
        Enumerable.Range(0, 5).Select(p => Index(ratings.Users, $"probe{p}"))
            .Select(u => (head.Score(u, Index(ratings.Items, "a")), head.Score(u, Index(ratings.Items, "b")))).ToArray();

    [Fact]
    public void A_disliked_item_ranks_below_an_unrated_comparable_item()
    {
        var ratings = TwinItems();

        var scores = ProbeScores(ratings, new RankingTrainer(WithNegatives).Train(ratings));

        Assert.All(scores, s => Assert.True(s.A < s.B, $"disliked a {s.A:F4}, unrated b {s.B:F4}"));
    }

    [Fact]
    public void Without_negatives_the_disliked_item_counts_as_chosen_and_ranks_above_the_unrated_one()
    {
        // The reading the negatives replace: what the test above guards against.
        var ratings = TwinItems();

        var scores = ProbeScores(ratings, new RankingTrainer(Exact).Train(ratings));

        Assert.All(scores, s => Assert.True(s.A > s.B, $"disliked a {s.A:F4}, unrated b {s.B:F4}"));
    }

    [Fact]
    public void The_head_records_how_it_read_ratings_scaled_to_the_ratings_scale()
    {
        var ratings = TestData.LowRank(20, 15, 0.5);
        var oneToTen = new RatingScale(1, 10);

        var head = new RankingTrainer(WithNegatives with { Weighting = ConfidenceWeighting.RatingSquared, Alpha = 0.1f, Scale = oneToTen }).Train(ratings);

        Assert.Equal(new RankingFeedback(ConfidenceWeighting.RatingSquared, 0.1f, 3.25f, 4f), head.Feedback);
        Assert.False(new RankingTrainer(Exact).Train(ratings).Feedback.HasNegatives);
    }

    [Theory]
    [InlineData(1f, 4f, 0f)]
    [InlineData(2f, 4f, 0f)]
    [InlineData(2.5f, 0.625f, 1.625f)] // squared: 0.1·2.5²
    [InlineData(5f, 2.5f, 3.5f)]
    public void A_rating_becomes_a_bonus_and_a_target(float rating, float bonus, float target)
    {
        var feedback = new RankingFeedback(ConfidenceWeighting.RatingSquared, 0.1f, 2f, 4f);

        var (b, t) = feedback.Of(rating);

        Assert.Equal(bonus, b, 1e-5f);
        Assert.Equal(target, t, 1e-5f);
    }

    [Fact]
    public void Without_a_threshold_every_rating_is_chosen()
    {
        var feedback = RankingFeedback.ChosenOnly(ConfidenceWeighting.Rating, 0.25f);

        Assert.Equal((0.25f, 1.25f), feedback.Of(1f));
        Assert.False(feedback.HasNegatives);
    }

    [Fact]
    public void Ranking_fold_in_with_negatives_agrees_with_a_direct_solve_over_every_item()
    {
        var ratings = TestData.LowRank(60, 40, 0.3);
        var head = new RankingTrainer(WithNegatives with { Weighting = ConfidenceWeighting.RatingSquared, Alpha = 0.1f }).Train(ratings);
        var model = TestData.RandomModel(60, 40, 3).WithRanking(head);
        int[] items = [3, 17, 5, 39, 0, 22];
        float[] values = [5, 1, 4, 3, 2, 5];

        var folded = FoldIn.SolveRanking(model, items, values);

        // Direct: minimise Σ over ALL items c_i (p_i − x·y_i)² + λ|x|²: rated ≥ 3 chosen (p 1, c = 1 + 0.1 r²),
        // rated ≤ 2 not wanted (p 0, c = 1 + 4), unrated p 0, c 1.
        var expected = RankingHeadTests.DirectSolve(head, model.Items.Count, i =>
        {
            var at = Array.IndexOf(items, i);
            return at < 0 ? (1.0, 0.0) : values[at] <= 2 ? (5.0, 0.0) : (1 + 0.1 * values[at] * values[at], 1.0);
        });
        for (var f = 0; f < head.Factors; f++) Assert.Equal(expected[f], folded[f], 1e-4);
    }

    [Fact]
    public void A_folded_in_user_who_disliked_an_item_gets_it_ranked_below_the_unrated_twin()
    {
        var ratings = TwinItems();
        var model = TestData.RandomModel(ratings.UserCount, ratings.ItemCount, 2).WithRanking(new RankingTrainer(WithNegatives).Train(ratings));
        var (a, b) = (Index(ratings.Items, "a"), Index(ratings.Items, "b"));
        int[] items = [.. Enumerable.Range(0, 8).Select(f => Index(ratings.Items, $"fav0-{f}")), a];
        float[] values = [5, 5, 5, 5, 5, 5, 5, 5, 1];

        var x = FoldIn.SolveRanking(model, items, values);

        var head = model.Ranking!;
        Assert.True(Dot(x, head.ItemVector(a)) < Dot(x, head.ItemVector(b)));
    }

    [Fact]
    public void Conjugate_gradient_training_with_negatives_reaches_the_exact_solves()
    {
        // The default trainer path (warm-started CG steps) must read negatives as the exact solve does.
        var ratings = TwinItems();
        var exact = ProbeScores(ratings, new RankingTrainer(WithNegatives).Train(ratings));
        var cg = ProbeScores(ratings, new RankingTrainer(WithNegatives with { ConjugateGradientSteps = 3, Iterations = 30 }).Train(ratings));

        Assert.All(cg, s => Assert.True(s.A < s.B, $"disliked a {s.A:F4}, unrated b {s.B:F4}"));
        for (var p = 0; p < exact.Length; p++) Assert.Equal(exact[p].B - exact[p].A, cg[p].B - cg[p].A, 0.05f);
    }

    [Fact]
    public void Exact_training_with_negatives_never_increases_the_loss()
    {
        var losses = new List<double>();
        new RankingTrainer(WithNegatives with { Iterations = 6 }).Train(TestData.LowRank(40, 30, 0.4), p => losses.Add(p.Loss));

        for (var i = 1; i < losses.Count; i++) Assert.True(losses[i] <= losses[i - 1] + 1e-6, $"iteration {i + 1}: {losses[i]} after {losses[i - 1]}");
    }

    [Theory]
    [InlineData(0.5f)]
    [InlineData(5f)]
    [InlineData(float.NaN)]
    public void A_threshold_outside_the_scale_is_refused(float threshold)
    {
        var error = Assert.Throws<ArgumentException>(() => new RankingTrainer(Exact with { NegativeThreshold = threshold }));
        Assert.Contains("NegativeThreshold", error.Message);
    }

    private static int Index(IdMap ids, string id) => ids.TryGetIndex(id, out var index) ? index : throw new KeyNotFoundException(id);

    private static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        float sum = 0;
        for (var f = 0; f < x.Length; f++) sum += x[f] * y[f];
        return sum;
    }
}
