namespace RecommenderService.Engine;

/// <summary>
/// The defaults of both heads for a data set of a given size. Up to <see cref="LargeRatings"/> ratings they are the
/// MovieLens-100k-tuned <see cref="TrainingOptions"/> and <see cref="RankingOptions"/>; from there on a recipe that
/// reaches a better holdout RMSE in a fraction of the passes, so a retrain of millions of ratings fits in a minute.
/// </summary>
/// <remarks>
/// The small-data defaults take ~150 epochs to leave zero on 8.5M ratings; from 1M on, LIBMF's per-row AdaGrad
/// steps at k = 64, patience 2, a warm refit and 5 ALS iterations (docs/decisions/0005-large-data-recipe.md).
/// </remarks>
public static class DataSizeDefaults
{
    /// <summary>From this many ratings on, the large-data recipe applies.</summary>
    public const long LargeRatings = 1_000_000;

    /// <summary>The rating head's defaults for <paramref name="ratings"/> ratings.</summary>
    public static TrainingOptions Training(long ratings) => ratings < LargeRatings
        ? new TrainingOptions()
        : new TrainingOptions
        {
            Factors = 64,
            AdaptiveSteps = true,
            // Not LearnMean: it wins on a random split but loses on the service's temporal holdout (decision 0005).
            LearningRate = 0.1f,
            LearningRateDecay = 1f,
            Patience = 2,
            // Patience ends the run long before this at millions of ratings (8.5M: best epoch 12); at 1M ratings
            // the validation error was still falling at epoch 40, the cap measured first.
            MaxEpochs = 100,
            WarmRefitShare = 0.25,
        };

    /// <summary>The ranking head's defaults for <paramref name="ratings"/> ratings.</summary>
    public static RankingOptions Ranking(long ratings) => ratings < LargeRatings
        ? new RankingOptions()
        : new RankingOptions { Iterations = 5, WarmStartIterations = 2 };
}
