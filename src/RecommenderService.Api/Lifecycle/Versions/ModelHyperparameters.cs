using RecommenderService.Engine;

using RecommenderService.Api.OpenApi;

namespace RecommenderService.Api.Lifecycle;

/// <summary>The settings a version was trained with (<c>hyperparameters</c> of its row).</summary>
/// <param name="Factors">Size of the taste vectors of the rating model.</param>
/// <param name="LearningRate">Step size of its training.</param>
/// <param name="Regularization">Penalty on large taste vectors.</param>
/// <param name="BiasRegularization">Penalty on large user and item biases.</param>
/// <param name="Epochs">Passes over the ratings asked for; null when the training stopped by itself.</param>
/// <param name="BestEpoch">The pass with the lowest error on the held-out ratings; null until known.</param>
/// <param name="InitStdDev">Spread of the random starting vectors.</param>
/// <param name="Seed">Random seed (a training is reproducible from it).</param>
/// <param name="Ranking">Settings of the list-ranking model; null when it was not trained.</param>
[FieldsMayBeAbsent]
public sealed record ModelHyperparameters(
    int Factors, double LearningRate, double Regularization, double BiasRegularization, int? Epochs, int? BestEpoch,
    double InitStdDev, int Seed, RankingHyperparameters? Ranking)
{
    /// <param name="options">The rating head's options.</param>
    /// <param name="bestEpoch">Its early-stopping epoch.</param>
    /// <param name="ranking">The ranking head's options (null without the head).</param>
    /// <param name="rankingRegularization">The λ the served ranking head was trained with (the options' rule and the
    /// penalty search resolved against the data); null takes the options' fixed λ.</param>
    public static ModelHyperparameters From(TrainingOptions options, int? bestEpoch, RankingOptions? ranking, float? rankingRegularization = null) => new(
        options.Factors, options.LearningRate, options.Regularization, options.BiasRegularization, options.Epochs, bestEpoch,
        options.InitStdDev, options.Seed,
        ranking is null ? null : new RankingHyperparameters(ranking.Factors, ranking.Iterations, rankingRegularization ?? ranking.Regularization, ranking.Alpha, ranking.Weighting.ToString()));
}

/// <summary>The ranking head's settings.</summary>
/// <param name="Factors">Size of its taste vectors.</param>
/// <param name="Iterations">Training iterations.</param>
/// <param name="Regularization">Penalty on large vectors (the value the served head was trained with, chosen on the data).</param>
/// <param name="Alpha">How much more a rated item counts than an unrated one.</param>
/// <param name="Weighting"><c>Binary</c> (every rating counts the same) or <c>Rating</c> (higher ratings count more).</param>
[FieldsMayBeAbsent]
public sealed record RankingHyperparameters(int Factors, int Iterations, double Regularization, double Alpha, string Weighting);
