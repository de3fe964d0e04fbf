namespace RecommenderService.Engine.Tests;

public sealed class RankingSearchTests
{
    // A penalty well below what either data set wants alone, so the search has to walk.
    private static readonly RankingOptions Small = new() { Factors = 16, Iterations = 8, Threads = 2, RegularizationPerItemRating = 0.1f };

    private static RatingSet Generated(double choiceAffinity, int seed = 5) => SyntheticRatings.Generate(new SyntheticRatingsOptions
    {
        Users = 2_000, Items = 600, Ratings = 60_000, Seed = seed, ChoiceAffinity = choiceAffinity,
    });

    [Fact]
    public void When_choice_follows_popularity_the_search_raises_the_penalty_towards_popularity()
    {
        var search = RankingSearch.Choose(Generated(0), Small, temporal: true);

        Assert.True(search.Multiplier > 1, Describe(search));
        // The personal penalty loses clearly to popularity; the chosen one matches it.
        Assert.True(search.Steps[0].Ndcg < 0.9 * search.PopularityNdcg, Describe(search));
        Assert.True(Chosen(search) >= 0.99 * search.PopularityNdcg, Describe(search));
        // The chosen head is judged no worse than every other candidate, and the options carry the choice.
        Assert.Equal(search.Steps.Max(s => s.Ndcg), search.Steps.Single(s => s.Multiplier == search.Multiplier).Ndcg);
        Assert.Equal(Small.RegularizationPerItemRating * search.Multiplier, search.Options.RegularizationPerItemRating);
    }

    [Fact]
    public void When_choice_follows_taste_the_search_keeps_a_personal_penalty_that_beats_popularity()
    {
        var taste = RankingSearch.Choose(Generated(8), Small, temporal: true);
        var popularity = RankingSearch.Choose(Generated(0), Small, temporal: true);

        Assert.True(taste.Multiplier <= popularity.Multiplier, $"taste: {Describe(taste)}; popularity: {Describe(popularity)}");
        // Where taste decides, the chosen head beats popularity on the validation users by far, and a much larger
        // penalty (towards popularity) would have lost that.
        Assert.True(Chosen(taste) > 1.2 * taste.PopularityNdcg, Describe(taste));
        Assert.True(taste.Steps[^1].Ndcg < Chosen(taste), Describe(taste));
    }

    [Fact]
    public void The_service_recipe_trains_both_heads_with_the_penalty_the_search_chose()
    {
        var ratings = Generated(0);
        var result = TemporalTraining.Run(ratings, new TrainingOptions { Factors = 8, Epochs = 5, Threads = 2 }, Small, 0.1);

        var search = Assert.IsType<RankingSearchResult>(result.RankingSearch);
        Assert.Equal(search.Options, result.Ranking);
        Assert.Equal(search.Options.EffectiveRegularization(result.Split.Train), result.HoldoutModel.Ranking!.Regularization);
        Assert.Equal(search.Options.EffectiveRegularization(ratings), result.Model.Ranking!.Regularization);
    }

    [Fact]
    public void Where_choice_follows_popularity_the_recipe_does_not_serve_the_weighted_lists_that_lose_to_popularity()
    {
        var result = TemporalTraining.Run(Generated(0), new TrainingOptions { Factors = 8, Epochs = 10, Threads = 2 }, Small, 0.1);
        var report = result.Report;
        var figures = Figures(report);

        // Stars do not decide what these users pick, so weighting the ranking head by them loses hits.
        Assert.True(report.RankingHead!.Value.Ndcg < report.RankingHeadOnlyLists!.Value.Rated.Ndcg, figures);
        Assert.NotEqual(ListSource.RankingHead, report.ListSource);
        Assert.Equal(report.ListSource == ListSource.RankingHeadOnly ? report.RankingHeadOnlyLists : report.ServedPopularityLists, report.ChosenListScores);
    }

    [Fact]
    public void A_version_falls_back_to_popularity_only_when_the_popular_list_it_would_serve_beats_its_own_lists()
    {
        // Seed 4: a data set where even the ranking head alone falls just short of the most-rated list. The damped mean is
        // pinned as the newcomer list, so it is what popularity would serve to users with history too.
        var pinned = new ListJudging(new PopularitySettings(NewcomerList: PopularityList.DampedMean));
        var report = TemporalTraining.Run(Generated(0, seed: 4), new TrainingOptions { Factors = 8, Epochs = 10, Threads = 2 }, Small, 0.1,
            judging: pinned).Report;
        var figures = Figures(report);
        var served = report.ServedPopularityLists!.Value.Rated.Ndcg;
        Assert.True(report.RankingHeadOnlyLists!.Value.Rated.Ndcg < report.MostRated!.Value.Ndcg, figures);

        // Where users pick what is popular the damped mean is far from the
        // most-rated list, so a gate that chose "popularity" because the most-rated list won would serve a list that lost.
        Assert.True(served < report.MostRated!.Value.Ndcg / 2, figures);
        Assert.NotEqual(ListSource.Popularity, report.ListSource);
        Assert.True(report.ChosenLists!.Value.Ndcg > served, figures);
        var servable = new[] { report.RankingHead!.Value.Ndcg, report.RankingHeadOnlyLists!.Value.Rated.Ndcg, report.RatingHead!.Value.Ndcg, served };
        Assert.Equal(servable.Max(), report.ChosenLists!.Value.Ndcg);
    }

    private static string Figures(HoldoutReport report) =>
        $"weighted {report.RankingHead?.Ndcg:F4}, alone {report.RankingHeadOnlyLists?.Rated.Ndcg:F4}, rating head {report.RatingHead?.Ndcg:F4}, "
        + $"popularity as served {report.ServedPopularityLists?.Rated.Ndcg:F4}, most rated {report.MostRated?.Ndcg:F4} -> {report.ListSource}";

    [Fact]
    public void Without_the_search_the_recipe_trains_with_the_penalty_as_given()
    {
        var ratings = Generated(0);
        var options = Small with { PenaltySearch = null };
        var result = TemporalTraining.Run(ratings, new TrainingOptions { Factors = 8, Epochs = 5, Threads = 2 }, options, 0.1);

        Assert.Null(result.RankingSearch);
        Assert.Equal(options.EffectiveRegularization(ratings), result.Model.Ranking!.Regularization);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    public void A_search_on_half_of_the_users_chooses_a_penalty_as_good_as_the_search_on_all_of_them(double choiceAffinity)
    {
        var ratings = Generated(choiceAffinity);
        var sampled = Small with { PenaltySearch = new RankingSearchOptions { MaxRatings = ratings.Count / 2 } };

        var all = RankingSearch.Choose(ratings, Small, temporal: true);
        var half = RankingSearch.Choose(ratings, sampled, temporal: true);

        // Judged by the search on every user: the half's choice is one the full search tried, within 1 % of its best
        // (neighbouring multipliers can tie to the third decimal, so the two may pick either of them).
        var figures = $"all: {Describe(all)}; half: {Describe(half)}";
        var judged = all.Steps.Where(s => s.Multiplier == half.Multiplier).ToArray();
        Assert.True(judged.Length == 1, figures);
        Assert.True(judged[0].Ndcg >= 0.99 * Chosen(all), figures);
        Assert.Equal(Small.RegularizationPerItemRating * half.Multiplier, half.Options.RegularizationPerItemRating);
    }

    [Fact]
    public void A_head_whose_user_rows_are_penalised_more_has_shorter_user_rows_and_the_same_penalty_on_record()
    {
        var ratings = Generated(8);
        var options = Small with { PenaltySearch = null };

        var plain = new RankingTrainer(options).Train(ratings);
        var same = new RankingTrainer(options) { UserPenaltyScale = 1 }.Train(ratings);
        var heavier = new RankingTrainer(options) { UserPenaltyScale = 4 }.Train(ratings);

        Assert.Equal(plain.UserFactors, same.UserFactors);
        Assert.Equal(plain.ItemFactors, same.ItemFactors);
        Assert.True(Norm(heavier.UserFactors) < Norm(plain.UserFactors), $"{Norm(heavier.UserFactors)} against {Norm(plain.UserFactors)}");
        Assert.Equal(plain.Regularization, heavier.Regularization);
    }

    private static double Norm(float[] rows) => Math.Sqrt(rows.Sum(v => (double)v * v));

    [Fact]
    public void With_nobody_to_judge_the_options_come_back_unchanged()
    {
        // Validation users who rated nothing before: no list can be judged.
        var train = new RatingSet(new IdMap(["a", "b"]), new IdMap(["x", "y"]), [0], [0], [4f], [1]);
        var test = new RatingSet(train.Users, train.Items, [1], [1], [5f], [2]);

        var search = RankingSearch.Choose(new DataSplit(train, test), Small);

        Assert.Equal(1f, search.Multiplier);
        Assert.Same(Small, search.Options);
        Assert.Empty(search.Steps);
    }

    [Fact]
    public void Invalid_search_settings_are_refused_by_name()
    {
        var e = Assert.Throws<ArgumentException>(() => (Small with { PenaltySearch = new RankingSearchOptions { Factor = 1 } }).Validate());
        Assert.Contains("Factor", e.Message);
        var limit = Assert.Throws<ArgumentException>(() => (Small with { PenaltySearch = new RankingSearchOptions { MaxRatings = -1 } }).Validate());
        Assert.Contains("MaxRatings", limit.Message);
    }

    private static double Chosen(RankingSearchResult search) => search.Steps.Single(s => s.Multiplier == search.Multiplier).Ndcg;

    private static string Describe(RankingSearchResult search) =>
        string.Join(", ", search.Steps.Select(s => $"x{s.Multiplier}: {s.Ndcg:F4}")) + $"; popularity {search.PopularityNdcg:F4}; chose x{search.Multiplier}";
}
