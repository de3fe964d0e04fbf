using RecommenderService.Engine;

namespace RecommenderService.Api.Lifecycle;

/// <summary>The settings a version was trained with (<c>hyperparameters</c> of its row).</summary>
public sealed record ModelHyperparameters(
    int Factors, double LearningRate, double Regularization, double BiasRegularization, int? Epochs, int? BestEpoch,
    double InitStdDev, int Seed, RankingHyperparameters? Ranking)
{
    public static ModelHyperparameters From(TrainingOptions options, int? bestEpoch, RankingOptions? ranking) => new(
        options.Factors, options.LearningRate, options.Regularization, options.BiasRegularization, options.Epochs, bestEpoch,
        options.InitStdDev, options.Seed,
        ranking is null ? null : new RankingHyperparameters(ranking.Factors, ranking.Iterations, ranking.Regularization, ranking.Alpha, ranking.Weighting.ToString()));
}

/// <summary>The ranking head's settings.</summary>
public sealed record RankingHyperparameters(int Factors, int Iterations, double Regularization, double Alpha, string Weighting);
