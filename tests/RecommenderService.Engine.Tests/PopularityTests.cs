namespace RecommenderService.Engine.Tests;

public sealed class PopularityTests
{
    // μ = 3.5, C = 2: item 0 (7+9)/4 = 4.0, item 1 (7+0)/2 = 3.5, item 2 (7+5)/3 = 4.0, item 3 (7+6)/5 = 2.6.
    private static readonly int[] Counts = [2, 0, 1, 3];
    private static readonly double[] Sums = [9, 0, 5, 6];

    [Fact]
    public void Damped_means_match_the_hand_computed_values_ties_by_index()
    {
        var ranked = Popularity.Rank(Counts, Sums, 3.5, 2, 10, []);
        Assert.Equal([0, 2, 1, 3], ranked.Select(s => s.Item));
        Assert.Equal([4.0f, 4.0f, 3.5f, 2.6f], ranked.Select(s => s.Score));
    }

    [Fact]
    public void Excluded_items_are_skipped_and_the_count_is_respected()
    {
        var ranked = Popularity.Rank(Counts, Sums, 3.5, 2, 2, [2, 99]);
        Assert.Equal([new ScoredItem(0, 4f), new ScoredItem(1, 3.5f)], ranked);
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
        // Recent: μ = 11/3; new (11/3+9)/3, old-hit has no recent rating and falls back to μ, newer (11/3+2)/2.
        Assert.Equal([1, 0, 2], recent.Select(s => s.Item));
        Assert.Equal((11.0 / 3 + 9) / 3, recent[0].Score, 5);
        Assert.Equal(11.0 / 3, recent[1].Score, 5);
    }
}
