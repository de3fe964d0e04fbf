namespace RecommenderService.Engine;

/// <summary>How <see cref="Evaluation"/> scores a predictor.</summary>
public sealed record EvaluationOptions
{
    /// <summary>Cut-off K of the ranking metrics.</summary>
    public int K { get; init; } = 10;

    /// <summary>
    /// Relevance of <see cref="EvaluationResult.Ranking"/>: test rating ≥ this; null = every held-out item is relevant
    /// (per-user protocol). <see cref="EvaluationResult.Lists"/> reports both ways whatever this says.
    /// </summary>
    public float? RelevanceThreshold { get; init; } = RankingMetrics.DefaultThreshold;

    /// <summary>The scale of the ratings; the default liked and disliked thresholds are placed on it.</summary>
    public RatingScale Scale { get; init; } = RatingScale.OneToFive;

    /// <summary>A held-out rating ≥ this is "liked"; null = 4 on a 1–5 scale, scaled to <see cref="Scale"/>.</summary>
    public float? LikedThreshold { get; init; }

    /// <summary>A held-out rating ≤ this is "disliked"; null = 2 on a 1–5 scale, scaled to <see cref="Scale"/>.</summary>
    public float? DislikedThreshold { get; init; }

    /// <summary>
    /// Ranking metrics score every item for every evaluated user, so on large data they use at most this many
    /// users with test ratings, chosen at random from <see cref="Seed"/>; 0 = all users.
    /// </summary>
    public int MaxRankingUsers { get; init; } = 10_000;

    public uint Seed { get; init; } = 42;

    /// <summary>
    /// Judge lists only for users with a training rating: a model knows nothing of the others (the service serves
    /// them popularity), so on a temporal holdout, where many of the newest ratings come from users who only just
    /// arrived, counting them compares every model on lists nobody is shown.
    /// </summary>
    public bool UsersWithTrainingOnly { get; init; }

    /// <summary>
    /// Ratings whose items are left out of each user's list like the training items, though nothing is trained on
    /// them or judged by them (indexed like the training part). For an inner split of a training part: the outer
    /// test part's items are the user's too, and a list that found them would otherwise count them as misses,
    /// which favours lists that are worse at finding what users rate.
    /// </summary>
    public RatingSet? AlsoExcluded { get; init; }

    /// <summary>The liked threshold in force.</summary>
    public float EffectiveLikedThreshold => LikedThreshold ?? Scale.FromOneToFive(4f);

    /// <summary>The disliked threshold in force.</summary>
    public float EffectiveDislikedThreshold => DislikedThreshold ?? Scale.FromOneToFive(2f);
}
