using RecommenderService.Api.Model.Training;
using RecommenderService.Engine;

namespace RecommenderService.Api.Tests.Model;

/// <summary>How a retrain's options come together: defaults for the data's size, then configuration, then the request.</summary>
public sealed class TrainingSettingsTests
{
    [Fact]
    public void Small_data_keeps_the_tuned_defaults()
    {
        var options = new TrainingSettings().ToOptions(null, RatingScale.OneToFive, ratings: 100_000);
        var ranking = new TrainingSettings().ToRankingOptions(null, RatingScale.OneToFive, ratings: 100_000)!;

        Assert.Equal(new TrainingOptions().Factors, options.Factors);
        Assert.False(options.AdaptiveSteps);
        Assert.Equal(new RankingOptions().Iterations, ranking.Iterations);
    }

    [Fact]
    public void Large_data_takes_the_large_data_recipe()
    {
        var options = new TrainingSettings().ToOptions(null, RatingScale.OneToFive, ratings: 8_500_000);
        var ranking = new TrainingSettings().ToRankingOptions(null, RatingScale.OneToFive, ratings: 8_500_000)!;
        var recipe = DataSizeDefaults.Training(8_500_000);

        Assert.True(options.AdaptiveSteps);
        Assert.Equal(recipe.Factors, options.Factors);
        Assert.Equal(recipe.LearningRate, options.LearningRate);
        Assert.Equal(recipe.WarmRefitShare, options.WarmRefitShare);
        Assert.Equal(DataSizeDefaults.Ranking(8_500_000).Iterations, ranking.Iterations);
    }

    [Fact]
    public void Configuration_and_the_request_still_override_the_size_defaults()
    {
        var settings = new TrainingSettings { Factors = 128, RankingFactors = 32 };

        var configured = settings.ToOptions(null, RatingScale.OneToFive, ratings: 8_500_000);
        var requested = settings.ToOptions(new RetrainParameters { Factors = 16, Epochs = 5 }, RatingScale.OneToFive, ratings: 8_500_000);

        Assert.Equal(128, configured.Factors);
        Assert.Equal(32, settings.ToRankingOptions(null, RatingScale.OneToFive, ratings: 8_500_000)!.Factors);
        Assert.Equal(16, requested.Factors);
        Assert.Equal(5, requested.Epochs);
        Assert.True(requested.AdaptiveSteps);
    }
}
