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
}
