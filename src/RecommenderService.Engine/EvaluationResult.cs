namespace RecommenderService.Engine;

/// <summary>A predictor's scores on one test set; <see cref="Seconds"/> is its fitting time.</summary>
public sealed record EvaluationResult(string Name, double Rmse, double Mae, RankingScores Ranking, double Seconds);
