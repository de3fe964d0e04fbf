using RecommenderService.Api.OpenApi;
using RecommenderService.Engine;

namespace RecommenderService.Api.Model.Versions;

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
/// <param name="Steps"><c>fixed</c> (one step size, shrunk each pass) or <c>adaptive</c> (each vector's step shrinks as
/// it learns; the default from a million ratings on). Absent on versions trained before it was recorded.</param>
/// <param name="Mean"><c>fixed</c> (training starts from the average rating) or <c>learned</c>. Absent on older versions.</param>
/// <param name="Patience">Passes without improvement on the held-out ratings before the training stopped itself; null
/// when <c>epochs</c> was given. Absent on older versions.</param>
/// <param name="WarmRefitShare">The final training on all ratings continued the held-out phase's best model for this
/// share of its passes; 0 = it started afresh. Absent on older versions.</param>
[FieldsMayBeAbsent]
public sealed record ModelHyperparameters(
    int Factors, double LearningRate, double Regularization, double BiasRegularization, int? Epochs, int? BestEpoch,
    double InitStdDev, int Seed, RankingHyperparameters? Ranking,
    string? Steps = null, string? Mean = null, int? Patience = null, double? WarmRefitShare = null)
{
    /// <param name="options">The rating head's options.</param>
    /// <param name="bestEpoch">Its early-stopping epoch.</param>
    /// <param name="ranking">The ranking head's options (null without the head).</param>
    /// <param name="rankingRegularization">The λ the served ranking head was trained with (the options' rule and the
    /// penalty search resolved against the data); null takes the options' fixed λ.</param>
    /// <param name="stoppedItself">Whether the held-out phase stopped itself (no epochs asked for); null reads it from
    /// <paramref name="options"/>, which after training carry the refit's epoch count instead.</param>
    public static ModelHyperparameters From(TrainingOptions options, int? bestEpoch, RankingOptions? ranking, float? rankingRegularization = null,
        bool? stoppedItself = null) => new(
        options.Factors, options.LearningRate, options.Regularization, options.BiasRegularization, options.Epochs, bestEpoch,
        options.InitStdDev, options.Seed,
        ranking is null ? null : new RankingHyperparameters(ranking.Factors, ranking.Iterations, rankingRegularization ?? ranking.Regularization,
            ranking.Alpha, ranking.Weighting.ToString(), ranking.WarmStartIterations, ranking.NegativeThreshold,
            ranking.NegativeThreshold is null ? null : ranking.NegativeAlpha),
        options.AdaptiveSteps ? "adaptive" : "fixed", options.LearnMean ? "learned" : "fixed",
        (stoppedItself ?? options.Epochs is null) ? options.Patience : null, options.WarmRefitShare);
}

/// <summary>The ranking head's settings.</summary>
/// <param name="Factors">Size of its taste vectors.</param>
/// <param name="Iterations">Training iterations.</param>
/// <param name="Regularization">Penalty on large vectors (the value the served head was trained with, chosen on the data).</param>
/// <param name="Alpha">How much more a rated item counts than an unrated one.</param>
/// <param name="Weighting"><c>Binary</c> (every rating counts the same), <c>Rating</c> (higher ratings count more) or
/// <c>RatingSquared</c> (more so).</param>
/// <param name="WarmStartIterations">Iterations of the heads that continued an earlier head of the same training (from a
/// million ratings on); null when every head was trained from scratch. Absent on older versions.</param>
/// <param name="NegativesAt">Ratings at or below this counted as "not wanted" rather than chosen; null = none (the
/// default). Absent on older versions.</param>
/// <param name="NegativeAlpha">How much a "not wanted" rating counts; null without negatives.</param>
[FieldsMayBeAbsent]
public sealed record RankingHyperparameters(int Factors, int Iterations, double Regularization, double Alpha, string Weighting,
    int? WarmStartIterations = null, double? NegativesAt = null, double? NegativeAlpha = null);
