namespace RecommenderService.Engine;

/// <summary>How a rating counts as implicit feedback in the ranking head: the confidence is c = 1 + α·w(r).</summary>
public enum ConfidenceWeighting
{
    /// <summary>w(r) = 1: every rated item is an equally confident "chosen".</summary>
    Binary = 0,

    /// <summary>w(r) = r: a higher rating is a more confident "chosen".</summary>
    Rating = 1,

    /// <summary>w(r) = r²: as <see cref="Rating"/>, with the top of the scale weighing more.</summary>
    RatingSquared = 2,
}

/// <summary>
/// Hyper-parameters of <see cref="RankingTrainer"/> (implicit ALS). The defaults are the service's and the CLI's
/// defaults, measured on MovieLens-100k with the per-user 75/25 protocol (see <see cref="RankingTrainer"/>).
/// </summary>
/// <remarks>
/// Sweep (seed-42 split, P@10 / NDCG@10, k = 64): what matters is λ against the confidence scale. Binary α=1:
/// λ 5 → 0.361/0.410, 10 → 0.386/0.438, 15 → 0.413/0.470, 20 → 0.423/0.485, 30 → 0.396/0.453, 50 → 0.342/0.393;
/// α 0.5/2/5/10 peak at λ 20/20/50/50 with 0.417/0.418/0.418/0.414. Rating-weighted α = 0.25 (c = 1.25..2.25),
/// λ = 20: 0.425/0.490, better than binary α=1 on each of three splits (seeds 42, 1, 2) by 0.002 P@10 and 0.004 NDCG.
/// k = 32/64/128: 0.424/0.423/0.428 (64 kept: half the cost of 128). 30 iterations instead of 15: no gain.
/// 3 CG steps: as good as exact Cholesky solves (0.422/0.484) at a fraction of the time.
/// </remarks>
public sealed record RankingOptions
{
    /// <summary>Factor dimension of the ranking head (independent of the rating head's k).</summary>
    public int Factors { get; init; } = 64;

    /// <summary>Alternating iterations (one user half and one item half each).</summary>
    public int Iterations { get; init; } = 15;

    /// <summary>
    /// When set, training that is given an earlier head on a subset of the same ratings (the <c>warmStart</c> of
    /// <see cref="RankingTrainer.Train"/>) continues from its vectors for this many iterations; null ignores such a
    /// head and trains <see cref="Iterations"/> from a random start.
    /// </summary>
    /// <remarks>
    /// Why: a retrain trains the head up to five times (the penalty search's candidates, the holdout phase, the
    /// refit), each from noise. The later two see the earlier one's ratings plus the newest tenth, so its vectors are
    /// already near their optimum and a couple of alternations settle the rows the new ratings moved. Set for large
    /// data by <see cref="DataSizeDefaults"/>; small data keeps training from scratch (cheap there, and the tuned
    /// figures were measured that way).
    /// </remarks>
    public int? WarmStartIterations { get; init; }

    /// <summary>
    /// λ, the L2 penalty on the user and item ranking vectors (per row, not per rating), when
    /// <see cref="RegularizationPerItemRating"/> is null.
    /// </summary>
    public float Regularization { get; init; } = 20f;

    /// <summary>
    /// When set, λ = this × the mean number of ratings per item of the training set instead of
    /// <see cref="Regularization"/>, so the penalty keeps its weight against an item row's data as the data grows.
    /// </summary>
    /// <remarks>
    /// A fixed λ = 20 (MovieLens-100k's best, 45 ratings per item) loses to popularity on larger data; 0.45 keeps
    /// MovieLens-100k where it was tuned (docs/decisions/0002-ranking-penalty.md).
    /// </remarks>
    public float? RegularizationPerItemRating { get; init; } = 0.45f;

    /// <summary>λ in force for <paramref name="ratings"/> (see <see cref="RegularizationPerItemRating"/>), at least 1e-3.</summary>
    public float EffectiveRegularization(RatingSet ratings)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        if (RegularizationPerItemRating is not { } perRating) return Regularization;
        return (float)Math.Max(1e-3, perRating * ratings.Count / (double)Math.Max(1, ratings.ItemCount));
    }

    /// <summary>
    /// When set, <see cref="TemporalTraining"/> and <c>recsys evaluate</c>/<c>train</c> choose a multiplier of the
    /// penalty above on a validation split of the training ratings (<see cref="RankingSearch"/>) before training;
    /// null trains with the penalty as given. <see cref="RankingTrainer"/> itself always trains with the penalty as given.
    /// </summary>
    public RankingSearchOptions? PenaltySearch { get; init; } = new();

    /// <summary>α in the confidence c = 1 + α·w(r) of a rated item; unrated items have confidence 1 and preference 0.</summary>
    public float Alpha { get; init; } = 0.25f;

    /// <summary>w(r) in the confidence; see <see cref="ConfidenceWeighting"/>.</summary>
    public ConfidenceWeighting Weighting { get; init; } = ConfidenceWeighting.Rating;

    /// <summary>
    /// A rating ≤ this on a 1–5 scale (scaled to <see cref="Scale"/>) is an explicit negative (preference 0,
    /// confidence 1 + <see cref="NegativeAlpha"/>) instead of a chosen item; null = every rated item is chosen.
    /// </summary>
    /// <remarks>
    /// Off by default: the service's lists (<see cref="ListScore"/>) already take out most of what negatives remove
    /// (docs/decisions/0004-no-ranking-negatives.md).
    /// </remarks>
    public float? NegativeThreshold { get; init; }

    /// <summary>Confidence bonus of an explicit negative (see <see cref="NegativeThreshold"/>).</summary>
    public float NegativeAlpha { get; init; } = 1f;

    /// <summary>The ratings' scale, on which <see cref="NegativeThreshold"/> is placed.</summary>
    public RatingScale Scale { get; init; } = RatingScale.OneToFive;

    /// <summary>How a rating becomes feedback under these options (recorded with the trained head).</summary>
    public RankingFeedback Feedback => new(Weighting, Alpha,
        NegativeThreshold is { } t ? Scale.FromOneToFive(t) : float.NaN, NegativeThreshold is null ? 0 : NegativeAlpha);

    /// <summary>
    /// Conjugate-gradient steps per row solve, warm-started from the previous iteration's row (Takács et al.);
    /// 0 = an exact Cholesky solve of the k×k system per row.
    /// </summary>
    public int ConjugateGradientSteps { get; init; } = 3;

    /// <summary>
    /// Whether training ends with one more user half solved exactly (Cholesky) against the final item vectors, so every
    /// stored user row is the solve <see cref="RankingReasons"/> splits exactly over the user's rated items
    /// (docs/decisions/0009-exact-trained-user-rows.md). Heads that are judged or compared but never served (the penalty
    /// search's candidates, a retrain's holdout head) skip it.
    /// </summary>
    public bool ExactUserRows { get; init; } = true;

    /// <summary>σ of the N(0, σ) initialisation of both factor matrices.</summary>
    public float InitStdDev { get; init; } = 0.01f;

    /// <summary>Worker threads; 0 = all cores. Every row solve is independent and the Gram matrices are summed in a fixed order, so the result is the same for every thread count.</summary>
    public int Threads { get; init; }

    /// <summary>Seed of the initialisation.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>The thread count actually used (resolves 0 to the core count).</summary>
    public int EffectiveThreads => Threads == 0 ? Environment.ProcessorCount : Threads;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Factors < 1) Fail(nameof(Factors), $"must be at least 1 (was {Factors}).");
        if (Iterations < 1) Fail(nameof(Iterations), $"must be at least 1 (was {Iterations}).");
        if (WarmStartIterations is < 1) Fail(nameof(WarmStartIterations), $"must be at least 1 or null (was {WarmStartIterations}).");
        if (!float.IsFinite(Regularization) || Regularization <= 0) Fail(nameof(Regularization), $"must be a positive number (was {Regularization}).");
        if (RegularizationPerItemRating is { } c && (!float.IsFinite(c) || c <= 0))
            Fail(nameof(RegularizationPerItemRating), $"must be a positive number or null (was {c}).");
        if (!float.IsFinite(Alpha) || Alpha < 0) Fail(nameof(Alpha), $"must be zero or positive (was {Alpha}).");
        if (!Enum.IsDefined(Weighting)) Fail(nameof(Weighting), $"is not a known weighting (was {Weighting}).");
        if (NegativeThreshold is { } t && (!float.IsFinite(t) || t < 1 || t >= 5))
            Fail(nameof(NegativeThreshold), $"must be in [1, 5) on a 1–5 scale or null (was {t}).");
        if (!float.IsFinite(NegativeAlpha) || NegativeAlpha < 0) Fail(nameof(NegativeAlpha), $"must be zero or positive (was {NegativeAlpha}).");
        if (!(float.IsFinite(Scale.Min) && float.IsFinite(Scale.Max) && Scale.Min < Scale.Max))
            Fail(nameof(Scale), $"must have Min < Max (was {Scale.Min}..{Scale.Max}).");
        if (ConjugateGradientSteps < 0) Fail(nameof(ConjugateGradientSteps), $"must be zero (exact solves) or positive (was {ConjugateGradientSteps}).");
        if (!float.IsFinite(InitStdDev) || InitStdDev <= 0) Fail(nameof(InitStdDev), $"must be a positive number (was {InitStdDev}).");
        PenaltySearch?.Validate();
        if (Threads < 0) Fail(nameof(Threads), $"must be 0 (all cores) or positive (was {Threads}).");
    }

    private static void Fail(string name, string problem) =>
        throw new ArgumentException($"RankingOptions.{name} {problem}", name);
}
