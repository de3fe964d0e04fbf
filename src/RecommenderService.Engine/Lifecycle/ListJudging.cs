namespace RecommenderService.Engine;

/// <summary>
/// How <see cref="TemporalTraining"/> judges lists on the holdout besides its fixed rules: how the service makes its
/// popularity lists (the candidates for the newcomer list, <see cref="NewcomerJudging"/>, and any pinned one), and what
/// counts as liked and disliked: in liked counts, in the newcomer judging, in the recorded liked figures and disliked@10
/// (the gate itself judges with every held-out item relevant).
/// </summary>
/// <param name="Popularity">How the service makes its popularity lists; null = the defaults of <see cref="PopularitySettings"/>.</param>
/// <param name="LikedThreshold">A held-out rating ≥ this is liked (on the ratings' scale); null = 4 on 1–5, scaled.</param>
/// <param name="DislikedThreshold">A held-out rating ≤ this is disliked; null = 2 on 1–5, scaled.</param>
public sealed record ListJudging(PopularitySettings? Popularity = null, float? LikedThreshold = null, float? DislikedThreshold = null);
