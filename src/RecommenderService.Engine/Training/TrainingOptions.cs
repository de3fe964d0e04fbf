namespace RecommenderService.Engine;

/// <summary>
/// Hyper-parameters of <see cref="SgdTrainer"/> and <see cref="TrainingPolicy"/>. The defaults are the
/// service's and the CLI's defaults, tuned on MovieLens-100k with the default policy (early stopping + refit).
/// </summary>
/// <remarks>
/// Tuned on ML-100k, 80/20 numpy-permutation split, default policy, means over seeds 1-3 (~150 configurations).
/// The levers, in order: a small start σ (0.003 beat 0.1 by 0.005 RMSE: the factors grow out of the bias-only
/// solution instead of starting as noise); a bias step well below η (η_b = η/4 took 0.9013 to 0.8998
/// at k = 128), so the biases settle instead of absorbing what the factors should explain; λ ≈ 0.06 with early
/// stopping doing the rest; a gentle η decay (0.98 per epoch); and, with the slow bias step, k = 256
/// (0.8991 vs 0.8996 at k = 128, seeds agreeing within 0.0003). 5-fold CV: 0.9003.
/// </remarks>
public sealed record TrainingOptions
{
    /// <summary>Factor dimension k.</summary>
    public int Factors { get; init; } = 256;

    /// <summary>Exact number of epochs; <c>null</c> selects the default policy (early stopping on a holdout, then a refit on all ratings).</summary>
    public int? Epochs { get; init; }

    /// <summary>Upper bound on epochs when early stopping.</summary>
    public int MaxEpochs { get; init; } = 200;

    /// <summary>Epochs without a validation improvement before early stopping gives up.</summary>
    public int Patience { get; init; } = 10;

    /// <summary>η, the SGD step size of the first epoch.</summary>
    public float LearningRate { get; init; } = 0.01f;

    /// <summary>
    /// η_b, the step size of b_u and b_i (decayed like η). Set it equal to <see cref="LearningRate"/> for the
    /// seed's single-η updates; a fraction of η measured better on ML-100k (see the remarks).
    /// </summary>
    public float BiasLearningRate { get; init; } = 0.0015f;

    /// <summary>
    /// LIBMF's AdaGrad-like rule for the factor rows: each row steps by η/√G with G = 1 + the running sum of its
    /// mean squared gradient, instead of a global η decayed per epoch. Use a larger η (LIBMF: 0.1) with it.
    /// </summary>
    public bool AdaptiveSteps { get; init; }

    /// <summary>
    /// Learn the global mean instead of fixing μ at the data's mean first: training starts from μ = 0, so the
    /// biases and factors fit whole ratings, and afterwards <see cref="MeanCentering"/> moves the average user's and
    /// item's share back into μ, b_u and b_i without changing any prediction. It wins on random splits (with
    /// <see cref="AdaptiveSteps"/> it matches LIBMF) but shrinks sparse users towards a rating of 0 and loses on the
    /// service's temporal holdout, so it is not a default (docs/decisions/0005-large-data-recipe.md).
    /// </summary>
    public bool LearnMean { get; init; }

    /// <summary>Multiplier applied to η after every epoch (1 = constant step).</summary>
    public float LearningRateDecay { get; init; } = 0.98f;

    /// <summary>λ, the L2 penalty on p_u and q_i.</summary>
    public float Regularization { get; init; } = 0.06f;

    /// <summary>λ_b, the L2 penalty on b_u and b_i.</summary>
    public float BiasRegularization { get; init; } = 0.01f;

    /// <summary>σ of the N(0, σ) initialisation of P and Q.</summary>
    public float InitStdDev { get; init; } = 0.003f;

    /// <summary>
    /// Worker threads; 0 = all cores. The grid of blocks depends on the thread count, so models are reproducible
    /// for a given seed and thread count (bit for bit with 1 thread on any machine of the same SIMD width).
    /// </summary>
    public int Threads { get; init; }

    /// <summary>Seed of every random choice (initialisation, shuffles, holdout).</summary>
    public int Seed { get; init; } = 42;

    /// <summary><c>false</c> trains plain MF: μ, b_u and b_i stay 0 (the "MF without biases" baseline).</summary>
    public bool UseBiases { get; init; } = true;

    /// <summary>
    /// The refit on all ratings after early stopping continues the holdout phase's best model (rows, step state and
    /// η) for ⌈share × best epoch count⌉ epochs instead of training from scratch for the best epoch count;
    /// 0 (the default) refits from scratch: on MovieLens-100k the warm refit overfits (RMSE 0.9038 against 0.8991;
    /// docs/decisions/0005-large-data-recipe.md), on millions of ratings it saves most of the refit.
    /// </summary>
    public double WarmRefitShare { get; init; }

    /// <summary>Epochs of the refit on all ratings after early stopping found <paramref name="bestEpoch"/>.</summary>
    public int RefitEpochs(int bestEpoch) =>
        WarmRefitShare > 0 ? Math.Max(1, (int)Math.Ceiling(bestEpoch * WarmRefitShare)) : Math.Max(1, bestEpoch);

    /// <summary>Fraction of the ratings held out for early stopping by the default policy.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Rating scale; predictions are clamped to it.</summary>
    public RatingScale Scale { get; init; } = RatingScale.OneToFive;

    /// <summary>The thread count actually used (resolves 0 to the core count).</summary>
    public int EffectiveThreads => Threads == 0 ? Environment.ProcessorCount : Threads;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Factors < 1) Fail(nameof(Factors), $"must be at least 1 (was {Factors}).");
        if (Epochs is < 1) Fail(nameof(Epochs), $"must be at least 1 when set (was {Epochs}).");
        if (MaxEpochs < 1) Fail(nameof(MaxEpochs), $"must be at least 1 (was {MaxEpochs}).");
        if (Patience < 1) Fail(nameof(Patience), $"must be at least 1 (was {Patience}).");
        if (!float.IsFinite(LearningRate) || LearningRate <= 0) Fail(nameof(LearningRate), $"must be a positive number (was {LearningRate}).");
        if (!float.IsFinite(BiasLearningRate) || BiasLearningRate <= 0) Fail(nameof(BiasLearningRate), $"must be a positive number (was {BiasLearningRate}).");
        if (!float.IsFinite(LearningRateDecay) || LearningRateDecay <= 0 || LearningRateDecay > 1)
            Fail(nameof(LearningRateDecay), $"must be in (0, 1] (was {LearningRateDecay}).");
        if (!float.IsFinite(Regularization) || Regularization < 0) Fail(nameof(Regularization), $"must be zero or positive (was {Regularization}).");
        if (!float.IsFinite(BiasRegularization) || BiasRegularization < 0) Fail(nameof(BiasRegularization), $"must be zero or positive (was {BiasRegularization}).");
        if (!float.IsFinite(InitStdDev) || InitStdDev < 0) Fail(nameof(InitStdDev), $"must be zero or positive (was {InitStdDev}).");
        if (Threads < 0) Fail(nameof(Threads), $"must be 0 (all cores) or positive (was {Threads}).");
        if (!(WarmRefitShare >= 0 && WarmRefitShare <= 1)) Fail(nameof(WarmRefitShare), $"must be in [0, 1] (was {WarmRefitShare}).");
        if (Epochs is null && !(ValidationFraction > 0 && ValidationFraction < 1))
            Fail(nameof(ValidationFraction), $"must be in (0, 1) when Epochs is not set (was {ValidationFraction}).");
        if (!(ValidationFraction >= 0 && ValidationFraction < 1))
            Fail(nameof(ValidationFraction), $"must be in [0, 1) (was {ValidationFraction}).");
        if (!(float.IsFinite(Scale.Min) && float.IsFinite(Scale.Max) && Scale.Min < Scale.Max))
            Fail(nameof(Scale), $"must have Min < Max (was {Scale.Min}..{Scale.Max}).");
    }

    private static void Fail(string name, string problem) =>
        throw new ArgumentException($"TrainingOptions.{name} {problem}", name);
}
