namespace RecommenderService.Engine;

/// <summary>
/// How <see cref="TemporalTraining"/> judges lists on the holdout besides its fixed rules: the popular list the service
/// would serve instead (<see cref="Popularity"/>), and what counts as liked and disliked in the recorded liked
/// figures and disliked@10 (the gate itself judges with every held-out item relevant).
/// </summary>
/// <param name="Popularity">How the service makes its popular list; null = C 10, all time.</param>
/// <param name="LikedThreshold">A held-out rating ≥ this is liked (on the ratings' scale); null = 4 on 1–5, scaled.</param>
/// <param name="DislikedThreshold">A held-out rating ≤ this is disliked; null = 2 on 1–5, scaled.</param>
public sealed record ListJudging(PopularitySettings? Popularity = null, float? LikedThreshold = null, float? DislikedThreshold = null);
