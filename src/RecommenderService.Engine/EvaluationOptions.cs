namespace RecommenderService.Engine;

/// <summary>How <see cref="Evaluation"/> scores a predictor.</summary>
public sealed record EvaluationOptions
{
    /// <summary>Cut-off K of the ranking metrics.</summary>
    public int K { get; init; } = 10;

    /// <summary>Relevant = test rating ≥ this; null = every held-out item is relevant (per-user protocol).</summary>
    public float? RelevanceThreshold { get; init; } = RankingMetrics.DefaultThreshold;

    /// <summary>
    /// Ranking metrics score every item for every evaluated user, so on large data they use at most this many
    /// users with relevant test items, chosen at random from <see cref="Seed"/>; 0 = all users.
    /// </summary>
    public int MaxRankingUsers { get; init; } = 10_000;

    public uint Seed { get; init; } = 42;
}
