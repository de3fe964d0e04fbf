namespace RecommenderService.Engine;

/// <summary>
/// One finished iteration of <see cref="RankingTrainer"/>: <paramref name="Loss"/> is the implicit-ALS objective
/// (weighted squared error over all user-item pairs plus the penalty) divided by the number of ratings, measured
/// after the item half; <paramref name="Seconds"/> is the iteration's wall time including that measurement.
/// </summary>
public sealed record RankingProgress(int Iteration, double Loss, double Seconds);
