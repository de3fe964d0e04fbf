namespace RecommenderService.Engine.Tests;

public sealed class TemporalTrainingTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.25)]
    public void The_recorded_epoch_count_is_what_the_refit_ran(double warmRefitShare)
    {
        var ratings = SyntheticRatings.Generate(new SyntheticRatingsOptions { Users = 300, Items = 100, Ratings = 9_000, Seed = 4 });
        var options = new TrainingOptions { Factors = 4, MaxEpochs = 40, Patience = 3, Threads = 1, WarmRefitShare = warmRefitShare };

        var result = TemporalTraining.Run(ratings, options, null, 0.1);

        // A refit from scratch runs the best epoch count; a warm refit only its share, on top of the best state.
        Assert.True(result.BestEpoch > 4, $"best epoch {result.BestEpoch}");
        Assert.Equal(options.RefitEpochs(result.BestEpoch), result.Options.Epochs);
        if (warmRefitShare > 0) Assert.True(result.Options.Epochs < result.BestEpoch);
    }

    [Fact]
    public void Each_training_judges_every_newcomer_list_on_the_newcomers_of_its_holdout()
    {
        var ratings = SyntheticRatings.Generate(new SyntheticRatingsOptions { Users = 600, Items = 200, Ratings = 15_000, Seed = 6 });
        var options = new TrainingOptions { Factors = 4, Epochs = 3, Threads = 1 };

        var result = TemporalTraining.Run(ratings, options, null, 0.1);

        var report = result.Report.NewcomerLists!;
        var (train, test) = result.Split;
        var newcomers = NewcomerJudging.Newcomers(train, test);
        Assert.Equal(JudgedUsers.Newcomers, report.JudgedOn);
        Assert.Equal(newcomers.User.Distinct().Count(), report.Users);
        Assert.Equal(PopularityLists.All, report.Candidates.Select(c => c.List));
        Assert.Equal(NewcomerJudging.Best(report.Candidates), report.Winner);
        Assert.Equal(report.Winner, report.Served);
        // The gate judges, on the users with history, the very list newcomers are served.
        var counts = PopularityCounts.Of(train, new PopularitySettings(), 4, train.Time.Max());
        var evaluation = new EvaluationOptions { K = 10, MaxRankingUsers = TemporalTraining.MaxListUsers, Seed = (uint)options.Seed, RelevanceThreshold = null };
        var served = Evaluation.Lists(PopularityPredictor.For(report.Served, counts, PopularityPredictor.DefaultPriorCount, RatingScale.OneToFive),
            train, TemporalTraining.WithHistory(train, test), evaluation);
        Assert.Equal(served, result.Report.ServedPopularityLists);
    }

    [Fact]
    public void A_pinned_newcomer_list_is_the_one_the_gate_judges_for_users_with_history()
    {
        var ratings = SyntheticRatings.Generate(new SyntheticRatingsOptions { Users = 600, Items = 200, Ratings = 15_000, Seed = 6 });
        var options = new TrainingOptions { Factors = 4, Epochs = 3, Threads = 1 };
        var judging = new ListJudging(new PopularitySettings(NewcomerList: PopularityList.MostRated));

        var report = TemporalTraining.Run(ratings, options, null, 0.1, judging: judging).Report;

        Assert.True(report.NewcomerLists!.Pinned);
        Assert.Equal(PopularityList.MostRated, report.NewcomerLists.Served);
        Assert.Equal(report.MostRatedLists, report.ServedPopularityLists);
    }
}
