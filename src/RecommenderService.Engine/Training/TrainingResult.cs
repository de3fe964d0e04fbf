namespace RecommenderService.Engine;

/// <summary>
/// The outcome of training: the model, how many epochs ran, the epoch whose model was kept (the best
/// validation epoch when early stopping, else the last) and the per-epoch history.
/// </summary>
public sealed record TrainingResult(
    FactorModel Model, int EpochsRun, int BestEpoch, double? BestValidationRmse, IReadOnlyList<EpochProgress> History)
{
    /// <summary>The trainer's full state at <see cref="BestEpoch"/> (padded rows, step accumulators, η), to continue from.</summary>
    internal SgdTrainer.Checkpoint? Checkpoint { get; init; }
}
