namespace RecommenderService.Engine.Tests;

public sealed class TrainingPolicyTests
{
    [Fact]
    public void With_epochs_set_exactly_that_many_epochs_run_on_all_ratings()
    {
        var ratings = TestData.LowRank(60, 40, 0.3);
        var result = TrainingPolicy.Fit(ratings, new TrainingOptions { Factors = 4, Epochs = 7, Threads = 1 });
        Assert.Equal(7, result.EpochsRun);
        Assert.Equal(7, result.BestEpoch);
        Assert.Null(result.BestValidationRmse);
        Assert.All(result.History, h => Assert.Null(h.ValidationRmse));
    }

    [Fact]
    public void Default_policy_early_stops_on_a_holdout_then_refits_on_all_ratings_for_the_best_epoch_count()
    {
        var ratings = TestData.LowRank(60, 40, 0.4, noise: 0.8);
        var options = new TrainingOptions { Factors = 20, MaxEpochs = 300, Patience = 3, LearningRate = 0.05f, Regularization = 0, Threads = 1 };
        var result = TrainingPolicy.Fit(ratings, options);

        var search = result.History.TakeWhile(h => h.ValidationRmse is not null).ToArray();
        var refit = result.History.Skip(search.Length).ToArray();
        Assert.Equal(result.BestEpoch + options.Patience, search.Length);
        Assert.Equal(result.BestEpoch, refit.Length);
        Assert.All(refit, h => Assert.Null(h.ValidationRmse));
        Assert.Equal(search.Min(h => h.ValidationRmse), result.BestValidationRmse);
        Assert.Equal(ratings.UserCount, result.Model.Users.Count);
    }

    [Fact]
    public void A_warm_refit_continues_the_best_model_for_a_share_of_its_epochs()
    {
        var ratings = TestData.LowRank(60, 40, 0.4, noise: 0.8);
        var options = new TrainingOptions
        {
            Factors = 20, MaxEpochs = 300, Patience = 3, LearningRate = 0.05f, Regularization = 0, Threads = 1, WarmRefitShare = 0.25,
        };
        var result = TrainingPolicy.Fit(ratings, options);

        var search = result.History.TakeWhile(h => h.ValidationRmse is not null).ToArray();
        var refit = result.History.Skip(search.Length).ToArray();
        Assert.Equal((int)Math.Ceiling(result.BestEpoch * 0.25), refit.Length);
        // The refit's epochs continue the count of the model it starts from.
        Assert.Equal(result.BestEpoch + 1, refit[0].Epoch);
        // Continuing a fitted model: its first epoch on all ratings already fits far better than a fresh start's.
        var fresh = TrainingPolicy.Fit(ratings, options with { WarmRefitShare = 0 });
        Assert.True(refit[0].TrainRmse < fresh.History.First(h => h.ValidationRmse is null).TrainRmse);
    }

    [Fact]
    public void The_holdout_is_a_seeded_partition()
    {
        var ratings = TestData.LowRank(30, 30, 0.5);
        var a = TrainingPolicy.Holdout(ratings, 0.1, 5);
        var b = TrainingPolicy.Holdout(ratings, 0.1, 5);
        Assert.Equal(ratings.Count, a.Train.Count + a.Test.Count);
        Assert.Equal((int)Math.Round(ratings.Count * 0.1), a.Test.Count);
        Assert.Equal(a.Test.Time, b.Test.Time);
    }
}
