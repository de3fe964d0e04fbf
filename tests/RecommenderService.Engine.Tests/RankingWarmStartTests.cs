namespace RecommenderService.Engine.Tests;

/// <summary>
/// Continuing the ranking head from an earlier head on a subset of the ratings (the penalty search's chosen candidate,
/// then the holdout phase's head): what large data does instead of training each head from noise.
/// </summary>
public sealed class RankingWarmStartTests
{
    private static readonly RankingOptions Options = new()
    {
        Factors = 8, Iterations = 10, Regularization = 1f, RegularizationPerItemRating = null, Threads = 1, WarmStartIterations = 1,
    };

    /// <summary>The ratings and their first nine tenths (the same id maps), like the holdout phase's training part.</summary>
    private static (RatingSet All, RatingSet Most) Ratings()
    {
        var all = TestData.LowRank(150, 60, 0.3);
        return (all, all.Subset(Enumerable.Range(0, all.Count * 9 / 10).ToArray()));
    }

    [Fact]
    public void One_iteration_from_a_head_on_most_of_the_ratings_is_as_good_as_ten_from_noise()
    {
        var (all, most) = Ratings();
        var earlier = new RankingTrainer(Options).Train(most);
        var cold = new List<RankingProgress>();
        new RankingTrainer(Options).Train(all, cold.Add);
        var warm = new List<RankingProgress>();
        new RankingTrainer(Options).Train(all, warm.Add, warmStart: earlier);

        Assert.Single(warm);
        var figures = $"warm {warm[0].Loss:F5}; cold first {cold[0].Loss:F5}, last {cold[^1].Loss:F5}";
        Assert.True(warm[0].Loss < 0.9 * cold[0].Loss, figures);
        Assert.True(warm[0].Loss <= 1.01 * cold[^1].Loss, figures);
    }

    [Fact]
    public void Without_warm_start_iterations_an_earlier_head_is_ignored()
    {
        var (all, most) = Ratings();
        var coldOptions = Options with { WarmStartIterations = null };
        var earlier = new RankingTrainer(coldOptions).Train(most);

        var given = new RankingTrainer(coldOptions).Train(all, warmStart: earlier);
        var fresh = new RankingTrainer(coldOptions).Train(all);

        Assert.Equal(fresh.ItemFactors, given.ItemFactors);
        Assert.Equal(fresh.UserFactors, given.UserFactors);
    }

    [Fact]
    public void A_head_of_another_dimension_or_of_more_rows_is_refused()
    {
        var (all, most) = Ratings();
        var otherDimension = new RankingTrainer(Options with { Factors = 4 }).Train(most);
        var moreItems = new RankingTrainer(Options).Train(TestData.LowRank(150, 90, 0.3));

        Assert.Throws<ArgumentException>(() => new RankingTrainer(Options).Train(all, warmStart: otherDimension));
        Assert.Throws<ArgumentException>(() => new RankingTrainer(Options).Train(all, warmStart: moreItems));
    }

    [Fact]
    public void The_penalty_search_hands_back_its_chosen_candidate()
    {
        var ratings = SyntheticRatings.Generate(new SyntheticRatingsOptions { Users = 1_000, Items = 300, Ratings = 30_000, Seed = 5, ChoiceAffinity = 0 });
        var search = RankingSearch.Choose(ratings, new RankingOptions { Factors = 8, Iterations = 4, Threads = 2, RegularizationPerItemRating = 0.1f }, temporal: true);

        Assert.NotNull(search.Head);
        var chosen = search.Steps.Single(s => s.Multiplier == search.Multiplier);
        Assert.Equal(chosen.Regularization, search.Head!.Regularization);
        Assert.Equal(ratings.ItemCount * 8, search.Head.ItemFactors.Length);
    }
}
