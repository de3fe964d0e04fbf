namespace RecommenderService.Engine.Tests;

public sealed class PopularityTests
{
    // μ = 3.5, C = 2: item 0 (7+5)/3 = 4.0, item 1 has no ratings, item 2 (7+9)/4 = 4.0, item 3 (7+6)/5 = 2.6.
    private static readonly int[] Counts = [1, 0, 2, 3];
    private static readonly double[] Sums = [5, 0, 9, 6];

    [Fact]
    public void Damped_means_match_the_hand_computed_values_and_items_without_ratings_are_not_listed()
    {
        var ranked = Popularity.Rank(Counts, Sums, 3.5, 2, 10, []);
        // 0 and 2 tie at 4.0: the one with more ratings (2) first. Item 1 is left out, as the service's statistics leave it.
        Assert.Equal([2, 0, 3], ranked.Select(s => s.Item));
        Assert.Equal([4.0f, 4.0f, 2.6f], ranked.Select(s => s.Score));
    }

    [Fact]
    public void Where_every_rating_is_alike_the_items_with_more_ratings_come_first()
    {
        // Likes imported as 5 stars: every damped mean is 5.
        var ranked = Popularity.Rank([1, 3, 2, 3], [5, 15, 10, 15], 5, 10, 10, []);
        Assert.Equal([1, 3, 2, 0], ranked.Select(s => s.Item));
    }

    [Fact]
    public void Excluded_items_are_skipped_and_the_count_is_respected()
    {
        var ranked = Popularity.Rank(Counts, Sums, 3.5, 2, 2, [2, 99]);
        Assert.Equal([new ScoredItem(0, 4f), new ScoredItem(3, 2.6f)], ranked);
    }

    [Fact]
    public void Without_a_prior_unrated_items_have_no_score_and_a_single_five_wins()
    {
        var ranked = Popularity.Rank([1, 0, 10], [5, 0, 45], 3.5, 0, 10, []);
        Assert.Equal([new ScoredItem(0, 5f), new ScoredItem(2, 4.5f)], ranked);
    }

    [Fact]
    public void A_rating_set_with_a_recency_window_counts_only_recent_ratings()
    {
        var b = new RatingSetBuilder();
        b.Add("u1", "old-hit", 5, time: 100);
        b.Add("u2", "old-hit", 5, time: 100);
        b.Add("u1", "new", 5, time: 1000);
        b.Add("u2", "new", 4, time: 1001);
        b.Add("u3", "newer", 2, time: 1002);
        var ratings = b.Build();

        var all = Popularity.Rank(ratings, priorCount: 1, count: 3, excluded: []);
        var recent = Popularity.Rank(ratings, priorCount: 1, count: 3, excluded: [], since: 500);

        // All: μ = 21/5 = 4.2; old-hit (4.2+10)/3, new (4.2+9)/3, newer (4.2+2)/2.
        Assert.Equal([0, 1, 2], all.Select(s => s.Item));
        Assert.Equal(14.2f / 3, all[0].Score, 5);
        // Recent: μ = 11/3; new (11/3+9)/3, newer (11/3+2)/2; old-hit has no recent rating and is not listed.
        Assert.Equal([1, 2], recent.Select(s => s.Item));
        Assert.Equal((11.0 / 3 + 9) / 3, recent[0].Score, 5);
        Assert.Equal((11.0 / 3 + 2) / 2, recent[1].Score, 5);
    }

    [Fact]
    public void The_damped_mean_list_the_gate_judges_is_the_served_list_in_the_same_order()
    {
        var ratings = SyntheticRatings.Generate(new SyntheticRatingsOptions { Users = 300, Items = 200, Ratings = 6_000, Seed = 3 });
        foreach (var (prior, since) in new (double, long?)[] { (10, null), (0, null), (25, ratings.Time.Max() - 86_400 * 30L) })
        {
            var served = Popularity.Rank(ratings, prior, ratings.ItemCount, [], since);
            IRatingPredictor judged = PopularityPredictor.Fit(ratings, RatingScale.OneToFive, PopularityList.DampedMean, prior, since);
            var list = judged.Recommend(0, ratings.ItemCount, [], ratings.ItemCount);
            Assert.Equal(served.Select(s => s.Item), list.Select(s => s.Item));
        }
    }

    [Theory]
    [InlineData(0, 1_700_000_000L, null)]
    // 2023-11-14 22:13:20 UTC: the window starts at midnight of that day, minus 7 days.
    [InlineData(7, 1_700_000_000L, 1_699_920_000L - 7 * 86_400L)]
    [InlineData(1, 1_699_920_000L, 1_699_920_000L - 86_400L)]
    public void The_gates_window_counts_whole_utc_days_back_from_the_newest_rating(int days, long now, long? since) =>
        Assert.Equal(since, new PopularitySettings(WindowDays: days).Since(now));
}
