using System.ComponentModel.DataAnnotations;
using RecommenderService.Engine;

namespace RecommenderService.Api.Model.Training;

/// <summary>
/// The model lifecycle (section <c>Training</c>): schedule, holdout, quality gate, retention, and the
/// hyperparameters of scheduled runs (unset = the engine's tuned defaults).
/// </summary>
public sealed class TrainingSettings
{
    public const string SectionName = "Training";

    /// <summary>Run Hangfire (storage, server, recurring retrain, dashboard) in this replica.</summary>
    public bool JobsEnabled { get; set; } = true;

    /// <summary>Cron expression of the recurring retrain (UTC); default hourly.</summary>
    [Required]
    public string Cron { get; set; } = "0 * * * *";

    /// <summary>Newest fraction of the ratings held out for early stopping, metrics and the quality gate.</summary>
    [Range(0.01, 0.5)]
    public double HoldoutFraction { get; set; } = 0.1;

    /// <summary>A new model may be at most this much worse (holdout RMSE) than the active one's record.</summary>
    [Range(0, 10)]
    public double QualityMargin { get; set; } = 0.02;

    /// <summary>
    /// A held-out rating at or above this (on the service's rating scale) counts as liked in each version's liked figures
    /// (<c>likedPrecisionAt10</c>, <c>likedNdcgAt10</c>); null = 4 on a 1–5 scale, scaled to the service's.
    /// </summary>
    public double? LikedThreshold { get; set; }

    /// <summary>A held-out rating at or below this counts as disliked in <c>dislikedAt10</c>; null = 2 on a 1–5 scale, scaled.</summary>
    public double? DislikedThreshold { get; set; }

    /// <summary>Model blobs kept (newest versions, plus the active one); older blobs are deleted.</summary>
    [Range(1, 1000)]
    public int KeepVersions { get; set; } = 5;

    /// <summary>Safety net for missed NOTIFYs: every replica re-reads the active version this often.</summary>
    [Range(1, 3600)]
    public int PollSeconds { get; set; } = 30;

    /// <summary>
    /// How long a rollout waits for every live replica to acknowledge that it has loaded the new version into
    /// standby before activating it anyway (a replica that has not answered by then loads it when it hears the
    /// activation). The wait ends as soon as all live replicas have acknowledged; this is only a deadline.
    /// </summary>
    [Range(0, 600)]
    public double PreloadTimeoutSeconds { get; set; } = 30;

    /// <summary>How often a replica records that it is alive and which versions it holds (<c>serving_replicas</c>).</summary>
    [Range(0.2, 60)]
    public double HeartbeatSeconds { get; set; } = 2;

    /// <summary>How often a replica with jobs checks for a training whose process died (see <see cref="TrainingRecovery"/>).</summary>
    [Range(1, 3600)]
    public double RecoverySeconds { get; set; } = 10;

    /// <summary>Hangfire's queue poll interval; low values make manual retrains start sooner.</summary>
    [Range(0.1, 60)]
    public double QueuePollSeconds { get; set; } = 1;

    [Range(1, 1024)] public int? Factors { get; set; }
    [Range(1, 10_000)] public int? Epochs { get; set; }
    [Range(1e-6, 1)] public float? LearningRate { get; set; }
    [Range(0, 100)] public float? Regularization { get; set; }
    [Range(0, 1024)] public int Threads { get; set; }

    /// <summary>Train the ranking head (implicit ALS) that orders recommendation lists.</summary>
    public bool RankingEnabled { get; set; } = true;

    [Range(1, 1024)] public int? RankingFactors { get; set; }
    public int Seed { get; set; } = 42;

    /// <summary>
    /// The ranking head's options for a run on <paramref name="ratings"/> ratings (the defaults depend on the data's
    /// size, see <see cref="DataSizeDefaults"/>), or null when the head is switched off.
    /// </summary>
    public RankingOptions? ToRankingOptions(RetrainParameters? overrides, RatingScale scale, long ratings)
    {
        if (!(overrides?.Ranking ?? RankingEnabled)) return null;
        var defaults = DataSizeDefaults.Ranking(ratings);
        return defaults with
        {
            Factors = overrides?.RankingFactors ?? RankingFactors ?? defaults.Factors,
            Scale = scale,
            Threads = Threads,
            Seed = Seed,
        };
    }

    /// <summary>
    /// The engine options for a run on <paramref name="ratings"/> ratings: the defaults for that size (see
    /// <see cref="DataSizeDefaults"/>), then these settings, then the request's overrides.
    /// </summary>
    public TrainingOptions ToOptions(RetrainParameters? overrides, RatingScale scale, long ratings)
    {
        var defaults = DataSizeDefaults.Training(ratings);
        return defaults with
        {
            Factors = overrides?.Factors ?? Factors ?? defaults.Factors,
            Epochs = overrides?.Epochs ?? Epochs,
            MaxEpochs = overrides?.MaxEpochs ?? defaults.MaxEpochs,
            LearningRate = overrides?.LearningRate ?? LearningRate ?? defaults.LearningRate,
            Regularization = overrides?.Regularization ?? Regularization ?? defaults.Regularization,
            BiasRegularization = overrides?.BiasRegularization ?? defaults.BiasRegularization,
            InitStdDev = overrides?.InitStdDev ?? defaults.InitStdDev,
            Threads = Threads,
            Seed = Seed,
            Scale = scale,
        };
    }
}
