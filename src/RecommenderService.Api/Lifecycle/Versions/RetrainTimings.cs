namespace RecommenderService.Api.Lifecycle;

/// <summary>Seconds per stage of a retrain, as recorded on its version.</summary>
public sealed record RetrainTimings(
    double ReadSeconds, double RatingHeadSeconds, double RankingHeadSeconds, double EvaluateSeconds, double RefitSeconds,
    double StoreSeconds);
