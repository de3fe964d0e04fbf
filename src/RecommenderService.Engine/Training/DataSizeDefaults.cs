namespace RecommenderService.Engine;

/// <summary>
/// The defaults of both heads for a data set of a given size. Up to <see cref="LargeRatings"/> ratings they are the
/// MovieLens-100k-tuned <see cref="TrainingOptions"/> and <see cref="RankingOptions"/>; from there on a recipe that
/// reaches a better holdout RMSE in a fraction of the passes, so a retrain of millions of ratings fits in a minute.
/// </summary>
/// <remarks>
/// Why the small-data defaults do not scale: with a fixed η = 0.01 decayed per epoch and a start σ = 0.003, the
/// factors take ~150 epochs to leave zero on 8.5M ratings (early stopping then the refit from scratch: ~280 passes at
/// k = 256, about 4 minutes through the service). The large-data recipe uses LIBMF's per-row AdaGrad steps
/// (η = 0.1, no decay), which fit in ~10-20 epochs, at k = 64 (a quarter of the arithmetic per rating and of the
/// bytes a list reads per item), stops after <see cref="TrainingOptions.Patience"/> = 2 epochs without improvement,
/// and continues the holdout phase's best model for a quarter of its epochs instead of refitting from scratch. The
/// ranking head (implicit ALS, trained twice: on the holdout phase's ratings to be judged, then on all) runs 5
/// iterations instead of 15: with warm-started conjugate-gradient solves it has mostly converged by then, and at
/// 8.5M ratings its iterations were more than half of the retrain (8 iterations: 38 s of a 152 s retrain's holdout
/// phase on a loaded 2-core machine).
/// On MovieLens-100k that warm refit measured worse (see <see cref="TrainingOptions.WarmRefitShare"/>), which is why
/// small data keeps its defaults. See docs/benchmarks.md for the figures.
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
            // Not LearnMean, although it wins on a random split (8.5M: 0.6001 against 0.6160 after 20 epochs): it
            // shrinks users with few ratings towards a rating of 0 while training, and on the service's temporal
            // holdout it lost (1M generated: 0.7267 against 0.6832, worse than the biases' 0.6973).
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
