using RecommenderService.Engine;

namespace RecommenderService.Cli;

/// <summary>The hyper-parameter flags shared by train, evaluate and tune, applied over <see cref="TrainingOptions"/>' defaults.</summary>
internal static class TrainingFlags
{
    public static readonly string[] Names = ["factors", "epochs", "learning-rate", "regularization", "threads", "seed"];

    public const string Help = """
          --factors K           factor dimension (default 128)
          --epochs E            exactly E epochs on all training ratings; without it: early stopping on a
                                10% holdout (patience 8, at most 200 epochs), then a refit on all ratings
          --learning-rate ETA   SGD step size (default 0.01)
          --regularization L    L2 penalty on the factors (default 0.05)
          --threads T           worker threads, 0 = all cores (default 0)
          --seed S              seed of initialisation and shuffling (default 42)
        """;

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
        + $"learning rate {o.LearningRate:G4}, regularization {o.Regularization:G4}, threads {o.EffectiveThreads}, seed {o.Seed}";
}
