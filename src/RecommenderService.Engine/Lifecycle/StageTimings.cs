namespace RecommenderService.Engine;

/// <summary>Seconds per stage of <see cref="TemporalTraining"/>.</summary>
public sealed record StageTimings(double RatingHeadSeconds, double RankingHeadSeconds, double EvaluateSeconds, double RefitSeconds);
