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

    [Fact]
    public void The_wilson_lower_bound_matches_the_hand_computed_value_and_discounts_few_ratings()
    {
        // 9 liked of 10, z = 1.96: (0.9 + 0.19207 − 1.96·√(0.009 + 0.0096)) / 1.38415 = 0.59585.
        Assert.Equal(0.59585, Popularity.WilsonLowerBound(9, 10), 1e-5);
        Assert.True(Popularity.WilsonLowerBound(900, 1000) > Popularity.WilsonLowerBound(10, 10));
        Assert.Equal(0, Popularity.WilsonLowerBound(0, 50));
        Assert.Equal(0, Popularity.WilsonLowerBound(0, 0));
    }

    [Fact]
    public void A_trending_rating_halves_in_worth_every_half_life_in_whole_utc_days()
    {
        var settings = new PopularitySettings(HalfLifeDays: 7);
        const long now = 1_700_000_000; // 22:13 UTC
        const long day = PopularitySettings.Day;

        Assert.Equal(1, settings.TrendingWeight(now - 3_600, now));
        Assert.Equal(0.5, settings.TrendingWeight(now - 7 * day, now), 12);
        Assert.Equal(0.25, settings.TrendingWeight(now - 14 * day, now), 12);
        // Yesterday at 23:00 is one whole day back, though fewer than 24 hours ago.
        Assert.Equal(Math.Pow(2, -1 / 7.0), settings.TrendingWeight(PopularitySettings.StartOfDay(now) - 3_600, now), 12);
        Assert.Equal(0, settings.TrendingWeight(now - 400 * day, now));
    }

    [Fact]
    public void Counts_hold_every_measure_a_list_ranks_by()
    {
        const long now = 1_700_000_000;
        const long day = PopularitySettings.Day;
        var b = new RatingSetBuilder();
        b.Add("u1", "a", 5, now);
        b.Add("u2", "a", 2, now - 40 * day);
        b.Add("u1", "b", 4, now - 7 * day);
        var ratings = b.Build();

        var counts = PopularityCounts.Of(ratings, new PopularitySettings(PriorCount: 2, RecentDays: 30, HalfLifeDays: 7), 4, now);

        Assert.Equal([2, 1], counts.Counts);
        Assert.Equal([1, 1], counts.Liked);
        Assert.Equal([1, 1], counts.RecentCounts);
        Assert.Equal(1 + Math.Pow(2, -40 / 7.0), counts.Trending[0], 12);
        Assert.Equal(0.5, counts.Trending[1], 12);
        Assert.Equal([7.0, 4.0], counts.WindowSums);
        Assert.Equal(11 / 3.0, counts.WindowMean, 12);
        // n + ½·liked: a 2.5, b 1.5.
        Assert.Equal([0, 1], Popularity.Rank(PopularityList.LikedBoosted, counts, 2, 10, []).Select(s => s.Item));
    }

    [Fact]
    public void The_judged_counts_leave_out_items_with_fewer_raters_than_the_served_lists_need()
    {
        const long now = 1_700_000_000;
        var b = new RatingSetBuilder();
        foreach (var user in new[] { "u1", "u2", "u3" }) b.Add(user, "a", 3, now);
        foreach (var user in new[] { "u1", "u2" }) b.Add(user, "b", 5, now);
        var ratings = b.Build();

        var counts = PopularityCounts.Of(ratings, new PopularitySettings(MinimumRaters: 3), 4, now);

        // b's two raters count as none: it is neither listed nor part of the window mean, as in the service's lists.
        Assert.Equal([3, 0], counts.Counts);
        Assert.Equal(3.0, counts.WindowMean, 12);
        Assert.Equal([0], Popularity.Rank(PopularityList.DampedMean, counts, 2, 10, []).Select(s => s.Item));
        Assert.Equal([3, 2], PopularityCounts.Of(ratings, new PopularitySettings(), 4, now).Counts);
    }

    [Fact]
    public void Equal_scores_go_to_the_item_with_more_ratings_then_to_the_lower_index_and_unrated_items_are_not_listed()
    {
        // Liked counts 1, 1, 1, 0 (item 3 has no ratings); ratings 1, 2, 2, 0.
        var counts = new PopularityCounts([1, 2, 2, 0], [1, 1, 1, 0], [1, 2, 2, 0], [5, 6, 6, 0], 4, [0, 0, 0, 0], [0, 0, 0, 0]);

        Assert.Equal([1, 2, 0], Popularity.Rank(PopularityList.LikedCount, counts, 10, 10, []).Select(s => s.Item));
        // Nothing recent: the list goes on as the most-rated one.
        Assert.Equal([1, 2, 0], Popularity.Rank(PopularityList.RecentMostRated, counts, 10, 10, []).Select(s => s.Item));
        Assert.Equal([2, 0], Popularity.Rank(PopularityList.LikedCount, counts, 10, 10, [1]).Select(s => s.Item));
    }

    [Fact]
    public void Every_list_the_judging_scores_is_the_served_list_in_the_same_order()
    {
        var ratings = SyntheticRatings.Generate(new SyntheticRatingsOptions { Users = 300, Items = 200, Ratings = 6_000, Seed = 3 });
        var settings = new PopularitySettings(WindowDays: 60);
        var counts = PopularityCounts.Of(ratings, settings, 4, ratings.Time.Max());
        foreach (var list in PopularityLists.All)
        {
            var served = Popularity.Rank(list, counts, settings.PriorCount, ratings.ItemCount, []);
            IRatingPredictor judged = PopularityPredictor.For(list, counts, settings.PriorCount, RatingScale.OneToFive);
            var listed = judged.Recommend(0, ratings.ItemCount, [], ratings.ItemCount);
            Assert.Equal(served.Select(s => s.Item), listed.Select(s => s.Item));
        }
    }

    [Theory]
    [InlineData("most-rated", PopularityList.MostRated)]
    [InlineData("Liked-Lower-Bound", PopularityList.LikedLowerBound)]
    [InlineData("trending", PopularityList.Trending)]
    public void List_names_parse_back_to_their_list(string name, PopularityList list)
    {
        Assert.True(PopularityLists.TryParse(name, out var parsed));
        Assert.Equal(list, parsed);
        Assert.Equal(name.ToLowerInvariant(), PopularityLists.Name(list));
    }

    [Fact]
    public void Every_list_has_a_name_and_unknown_names_do_not_parse()
    {
        Assert.Equal(PopularityLists.All.Count, PopularityLists.Names.Distinct().Count());
        Assert.All(PopularityLists.All, list => Assert.Equal(PopularityLists.Names[PopularityLists.All.ToList().IndexOf(list)], PopularityLists.Name(list)));
        Assert.False(PopularityLists.TryParse("hot", out _));
        Assert.False(PopularityLists.TryParse(null, out _));
    }
}
