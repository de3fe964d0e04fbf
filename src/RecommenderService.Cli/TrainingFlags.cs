using RecommenderService.Engine;

namespace RecommenderService.Cli;

/// <summary>The hyper-parameter flags shared by train, evaluate and tune, applied over <see cref="TrainingOptions"/>' defaults.</summary>
internal static class TrainingFlags
{
    public static readonly string[] Names = ["factors", "epochs", "learning-rate", "regularization", "threads", "seed", "steps", "init-sd",
        "bias-learning-rate", "decay", "patience", "warm-refit", "mean"];

    /// <summary>Flag help, with the defaults read from <see cref="TrainingOptions"/> so it cannot go stale.</summary>
    public static string Help { get; } = BuildHelp(new TrainingOptions());

    private static string BuildHelp(TrainingOptions d) => FormattableString.Invariant($"""
          --factors K           factor dimension (default {d.Factors})
          --epochs E            exactly E epochs on all training ratings; without it: early stopping on a
                                {d.ValidationFraction:P0} holdout (patience {d.Patience}, at most {d.MaxEpochs} epochs), then a refit on all ratings
          --learning-rate ETA   SGD step size of the factors (default {d.LearningRate}; biases {d.BiasLearningRate})
          --regularization L    L2 penalty on the factors (default {d.Regularization}; biases {d.BiasRegularization})
          --steps RULE          fixed (η decayed by --decay per epoch) or adaptive (LIBMF's per-row AdaGrad: η/√G)
                                (default {(d.AdaptiveSteps ? "adaptive" : "fixed")})
          --init-sd S           σ of the factors' random start (default {d.InitStdDev})
          --mean RULE           fixed (μ = the ratings' mean from the start) or learned (train from μ = 0, then
                                center the model; pairs with --steps adaptive) (default {(d.LearnMean ? "learned" : "fixed")})
          --bias-learning-rate B  step size of the biases (default {d.BiasLearningRate})
          --decay D             η multiplier per epoch (default {d.LearningRateDecay})
          --patience P          epochs without a validation improvement before early stopping ends (default {d.Patience})
          --warm-refit S        the refit continues the best model for S x its epochs; 0 = refit from scratch (default {d.WarmRefitShare})
          --threads T           worker threads, 0 = all cores (default {d.Threads})
          --seed S              seed of initialisation and shuffling (default {d.Seed})

        """);

    public static TrainingOptions Apply(CommandArguments args, string command, TrainingOptions? start = null)
    {
        var o = start ?? new TrainingOptions();
        o = o with
        {
            Factors = args.Int("factors", 1, 4096) ?? o.Factors,
            Epochs = args.Int("epochs", 1, 100_000) ?? o.Epochs,
            LearningRate = (float?)args.Double("learning-rate", 0, 10, minExclusive: true) ?? o.LearningRate,
            Regularization = (float?)args.Double("regularization", 0, 1000) ?? o.Regularization,
            Threads = args.Int("threads", 0, 1024) ?? o.Threads,
            Seed = args.Int("seed") ?? o.Seed,
            AdaptiveSteps = args.String("steps") switch
            {
                null => o.AdaptiveSteps,
                "adaptive" => true,
                "fixed" => false,
                var other => throw new UsageException($"--steps must be fixed or adaptive (was '{other}').", command),
            },
            LearnMean = args.String("mean") switch
            {
                null => o.LearnMean,
                "learned" => true,
                "fixed" => false,
                var other => throw new UsageException($"--mean must be fixed or learned (was '{other}').", command),
            },
            InitStdDev = (float?)args.Double("init-sd", 0, 10) ?? o.InitStdDev,
            BiasLearningRate = (float?)args.Double("bias-learning-rate", 0, 10, minExclusive: true) ?? o.BiasLearningRate,
            LearningRateDecay = (float?)args.Double("decay", 0, 1, minExclusive: true) ?? o.LearningRateDecay,
            Patience = args.Int("patience", 1, 100_000) ?? o.Patience,
            WarmRefitShare = args.Double("warm-refit", 0, 1) ?? o.WarmRefitShare,
        };
        try
        {
            o.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message, command);
        }
        return o;
    }

    public static string Describe(TrainingOptions o) =>
        $"factors {o.Factors}, {(o.Epochs is { } e ? $"{e} epochs" : $"early stopping (max {o.MaxEpochs}, patience {o.Patience}) + refit")}, "
        + $"{(o.AdaptiveSteps ? "adaptive" : "fixed")} steps, {(o.LearnMean ? "learned" : "fixed")} mean, learning rate {o.LearningRate:G4}, regularization {o.Regularization:G4}, threads {o.EffectiveThreads}, seed {o.Seed}";
}
