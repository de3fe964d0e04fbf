namespace RecommenderService.Engine.Tests;

/// <summary>Lists judged both ways (any held-out rating, liked) and their disliked@K.</summary>
public sealed class ListMetricsTests
{
    [Fact]
    public void Disliked_at_k_counts_disliked_items_among_the_first_k_over_k()
    {
        var disliked = new HashSet<int> { 4, 9 };
        Assert.Equal(1.0 / 3, RankingMetrics.DislikedAtK([7, 4, 2, 9], disliked, 3), 12);
        Assert.Equal(2.0 / 10, RankingMetrics.DislikedAtK([7, 4, 2, 9], disliked, 10), 12);
    }

    [Theory]
    [InlineData(1f, 5f, 4f, 2f)]
    [InlineData(1f, 10f, 7.75f, 3.25f)]
    [InlineData(0f, 1f, 0.75f, 0.25f)]
    public void Liked_and_disliked_thresholds_scale_with_the_rating_scale(float min, float max, float liked, float disliked)
    {
        var options = new EvaluationOptions { Scale = new RatingScale(min, max) };
        Assert.Equal(liked, options.EffectiveLikedThreshold, 5);
        Assert.Equal(disliked, options.EffectiveDislikedThreshold, 5);
        Assert.Equal(4.5f, (options with { LikedThreshold = 4.5f }).EffectiveLikedThreshold);
    }

    /// <summary>Scores item i as −i for every user: lists are items 0, 1, 2, … minus the training items.</summary>
    private sealed class FixedOrder : IRatingPredictor
    {
        public string Name => "fixed";
        public float Predict(int user, int item) => 3;
        public void ScoreItems(int user, Span<float> scores)
        {
            for (var i = 0; i < scores.Length; i++) scores[i] = -i;
        }
    }

    [Fact]
    public void Lists_are_judged_with_any_rating_and_with_liked_ratings_and_disliked_share()
    {
        var users = new IdMap(["u", "v"]);
        var items = new IdMap(["0", "1", "2", "3", "4", "5"]);
        var b = new RatingSetBuilder(users: users, items: items);
        // u: trained on item 0; holds out 1 (rated 5), 2 (rated 1), 5 (rated 4). Its top 2 = items 1, 2.
        // v: trained on item 1; holds out 0 (rated 3) and 4 (rated 2). Its top 2 = items 0, 2.
        b.Add("u", "0", 4); b.Add("v", "1", 4);
        var train = b.Build();
        var t = new RatingSetBuilder(users: users, items: items);
        t.Add("u", "1", 5); t.Add("u", "2", 1); t.Add("u", "5", 4);
        t.Add("v", "0", 3); t.Add("v", "4", 2);
        var test = t.Build();

        var lists = Evaluation.Lists(new FixedOrder(), train, test, new EvaluationOptions { K = 2, MaxRankingUsers = 0 });

        // Any rating: u hits 1 and 2 (P 1, R 2/3), v hits 0 (P 1/2, R 1/2).
        Assert.Equal(2, lists.Rated.Users);
        Assert.Equal((1.0 + 0.5) / 2, lists.Rated.Precision, 12);
        Assert.Equal((2.0 / 3 + 0.5) / 2, lists.Rated.Recall, 12);
        // Liked (>= 4): only u has liked items (1 and 5); its list holds 1: P 1/2, R 1/2.
        Assert.Equal(1, lists.Liked.Users);
        Assert.Equal(0.5, lists.Liked.Precision, 12);
        Assert.Equal(0.5, lists.Liked.Recall, 12);
        // Disliked (<= 2): u's list holds 2 (rated 1) = 1/2; v's list holds 0 and 2, neither disliked = 0.
        Assert.Equal(0.25, lists.Disliked, 12);
        Assert.Equal(4f, lists.LikedThreshold);
        Assert.Equal(2f, lists.DislikedThreshold);
    }

    [Fact]
    public void Items_of_also_excluded_ratings_are_left_out_of_lists_like_training_items()
    {
        // An inner split of a training part: u's outer test items 1 and 2 are u's own; a list that found them would
        // count them as misses. Left out, the list moves on to the inner test item 3.
        var users = new IdMap(["u"]);
        var items = new IdMap(["0", "1", "2", "3", "4"]);
        RatingSet Set(params (string Item, float Value)[] ratings)
        {
            var b = new RatingSetBuilder(users: users, items: items);
            foreach (var (item, value) in ratings) b.Add("u", item, value);
            return b.Build();
        }
        var train = Set(("0", 4));
        var test = Set(("3", 5));
        var outer = Set(("1", 5), ("2", 1));
        var options = new EvaluationOptions { K = 1, MaxRankingUsers = 0 };

        var plain = Evaluation.Lists(new FixedOrder(), train, test, options);
        var excluding = Evaluation.Lists(new FixedOrder(), train, test, options with { AlsoExcluded = outer });

        Assert.Equal(0, plain.Rated.Precision, 12);
        Assert.Equal(1, excluding.Rated.Precision, 12);
    }
}
