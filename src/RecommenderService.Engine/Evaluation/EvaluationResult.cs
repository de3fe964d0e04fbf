namespace RecommenderService.Engine;

/// <summary>
/// A predictor's scores on one test set; <see cref="Seconds"/> is its fitting time. <see cref="Ranking"/> judges the
/// lists by <see cref="EvaluationOptions.RelevanceThreshold"/>; <see cref="Lists"/> judges the same lists both ways
/// (any rating, liked) and counts disliked items.
/// </summary>
public sealed record EvaluationResult(string Name, double Rmse, double Mae, RankingScores Ranking, double Seconds)
{
    public ListMetrics Lists { get; init; }
}
