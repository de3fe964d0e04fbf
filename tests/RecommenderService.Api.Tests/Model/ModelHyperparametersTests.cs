using RecommenderService.Api.Model.Versions;
using RecommenderService.Engine;

namespace RecommenderService.Api.Tests.Model;

/// <summary>What a version row records of how it was trained (the recipe from a million ratings on included).</summary>
public sealed class ModelHyperparametersTests
{
    [Fact]
    public void The_large_data_recipe_is_recorded_with_its_step_rule_warm_refit_and_warm_ranking_heads()
    {
        var options = DataSizeDefaults.Training(8_500_000) with { Epochs = 9 }; // after training: the refit's epochs
        var ranking = DataSizeDefaults.Ranking(8_500_000) with { NegativeThreshold = 2f, NegativeAlpha = 1.5f };

        var recorded = ModelHyperparameters.From(options, bestEpoch: 30, ranking, rankingRegularization: 150f, stoppedItself: true);

        Assert.Equal("adaptive", recorded.Steps);
        Assert.Equal("fixed", recorded.Mean);
        Assert.Equal(2, recorded.Patience);
        Assert.Equal(0.25, recorded.WarmRefitShare);
        Assert.Equal(2, recorded.Ranking!.WarmStartIterations);
        Assert.Equal(2.0, recorded.Ranking.NegativesAt);
        Assert.Equal(1.5, recorded.Ranking.NegativeAlpha);
        Assert.Equal(150.0, recorded.Ranking.Regularization);
    }

    [Fact]
    public void Asked_for_epochs_record_no_patience_and_no_negatives_record_no_negative_weight()
    {
        var options = new TrainingOptions { Epochs = 20, AdaptiveSteps = true, LearnMean = true };

        var recorded = ModelHyperparameters.From(options, bestEpoch: 20, new RankingOptions(), stoppedItself: false);

        Assert.Null(recorded.Patience);
        Assert.Equal("learned", recorded.Mean);
        Assert.Null(recorded.Ranking!.WarmStartIterations);
        Assert.Null(recorded.Ranking.NegativesAt);
        Assert.Null(recorded.Ranking.NegativeAlpha);
    }
}
