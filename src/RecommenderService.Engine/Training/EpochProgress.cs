namespace RecommenderService.Engine;

/// <summary>
/// One finished epoch. <paramref name="TrainRmse"/> is measured during the pass (error before each
/// update), which costs nothing extra; <paramref name="ValidationRmse"/> is measured after the epoch on
/// clamped predictions, <c>null</c> without a validation set. <paramref name="Seconds"/> is the epoch's
/// wall time including the validation pass.
/// </summary>
public sealed record EpochProgress(int Epoch, double TrainRmse, double? ValidationRmse, double Seconds);
