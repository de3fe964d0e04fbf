using RecommenderService.Api.OpenApi;

namespace RecommenderService.Api.Model.Versions;

/// <summary>Seconds per stage of a retrain, as recorded on its version.</summary>
/// <param name="ReadSeconds">Reading the ratings.</param>
/// <param name="RatingHeadSeconds">Training the rating model on all but the held-out ratings.</param>
/// <param name="RankingHeadSeconds">Training the list-ranking model.</param>
/// <param name="EvaluateSeconds">Measuring on the held-out ratings.</param>
/// <param name="RefitSeconds">Training again on all ratings.</param>
/// <param name="StoreSeconds">Storing the model.</param>
[FieldsMayBeAbsent]
public sealed record RetrainTimings(
    double ReadSeconds, double RatingHeadSeconds, double RankingHeadSeconds, double EvaluateSeconds, double RefitSeconds,
    double StoreSeconds);
