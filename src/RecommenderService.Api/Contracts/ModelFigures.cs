using RecommenderService.Api.OpenApi;

namespace RecommenderService.Api.Contracts;

// What a model version's `hyperparameters` and `metrics` hold, for the OpenAPI document: the service stores them as
// JSON written by the training (Training/ModelVersionStore) and returns them as stored, so the fields are documented
// here and may be absent (both are {} until the training gets that far).

/// <summary>The settings a model was trained with.</summary>
/// <param name="Factors">Size of the taste vectors of the rating model.</param>
/// <param name="LearningRate">Step size of its training.</param>
/// <param name="Regularization">Penalty on large taste vectors.</param>
/// <param name="BiasRegularization">Penalty on large user and item biases.</param>
/// <param name="Epochs">Passes over the ratings in the final training.</param>
/// <param name="BestEpoch">The pass with the lowest error on the held-out ratings.</param>
/// <param name="InitStdDev">Spread of the random starting vectors.</param>
/// <param name="Seed">Random seed (a training is reproducible from it).</param>
/// <param name="Ranking">Settings of the list-ranking model; null when it was not trained.</param>
[FieldsMayBeAbsent]
public sealed record ModelHyperparameters(
    int Factors, double LearningRate, double Regularization, double BiasRegularization, int Epochs, int BestEpoch,
    double InitStdDev, int Seed, RankingHyperparameters? Ranking);

/// <summary>The settings of the list-ranking model.</summary>
/// <param name="Factors">Size of its taste vectors.</param>
/// <param name="Iterations">Training iterations.</param>
/// <param name="Regularization">Penalty on large vectors.</param>
/// <param name="Alpha">How much more a rated item counts than an unrated one.</param>
/// <param name="Weighting"><c>Binary</c> (every rating counts the same) or <c>Rating</c> (higher ratings count more).</param>
[FieldsMayBeAbsent]
public sealed record RankingHyperparameters(int Factors, int Iterations, double Regularization, double Alpha, string Weighting);

/// <summary>How well a model did on the newest ratings, held out from its training.</summary>
/// <param name="Rmse">Root mean squared error of its predicted ratings, in stars (lower is better).</param>
/// <param name="Mae">Mean absolute error of its predicted ratings, in stars.</param>
/// <param name="PrecisionAt10">Share of each user's top 10 that the user went on to rate, averaged over users.</param>
/// <param name="RecallAt10">Share of what each user went on to rate that was in their top 10, averaged.</param>
/// <param name="NdcgAt10">Normalised discounted cumulative gain of the top 10 (1 = every hit at the top).</param>
/// <param name="BaselineRmse">The same error for a model that knows only user and item averages; the model must beat it.</param>
/// <param name="PopularityPrecisionAt10">Precision at 10 of the popularity list, for comparison.</param>
/// <param name="PopularityNdcgAt10">NDCG at 10 of the popularity list; the model's lists must beat it.</param>
/// <param name="HoldoutRatings">How many ratings were held out.</param>
/// <param name="RankingUsers">How many users' lists were measured.</param>
/// <param name="Timings">Seconds per stage of the training.</param>
[FieldsMayBeAbsent]
public sealed record HoldoutMetrics(
    double Rmse, double Mae, double PrecisionAt10, double RecallAt10, double NdcgAt10, double BaselineRmse,
    double PopularityPrecisionAt10, double PopularityNdcgAt10, int HoldoutRatings, int RankingUsers, TrainingStageSeconds? Timings);

/// <summary>Seconds per stage of a training.</summary>
/// <param name="ReadSeconds">Reading the ratings.</param>
/// <param name="TrainSeconds">Training the rating model on all but the held-out ratings.</param>
/// <param name="RankingSeconds">Training the list-ranking model.</param>
/// <param name="EvaluateSeconds">Measuring both on the held-out ratings.</param>
/// <param name="RefitSeconds">Training both again on all ratings.</param>
[FieldsMayBeAbsent]
public sealed record TrainingStageSeconds(double ReadSeconds, double TrainSeconds, double RankingSeconds, double EvaluateSeconds, double RefitSeconds);
