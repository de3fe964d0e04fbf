using System.Globalization;
using RecommenderService.Engine;

namespace RecommenderService.Cli;

/// <summary><c>recsys tune</c>: grid search with k-fold cross-validation, best first.</summary>
internal sealed class TuneCommand : ICommand
{
    public string Name => "tune";
    public string Summary => "grid search over hyper-parameters by k-fold CV RMSE";
    public string Usage => """
        Usage: recsys tune --ratings FILE [--kfold K] [--factors K1,K2,...] [--regularization L1,L2,...]
                           [--learning-rate E1,E2,...] [--epochs N1,N2,...] [--threads T] [--seed S]

        Trains every combination on the same K folds (default 3; numpy RandomState(seed) shuffled, as
        scikit-learn's KFold) and prints mean and std of the fold test RMSE, best first. A list left out
        uses the default value; without --epochs each point trains by early stopping then refit.
        """;
    public IReadOnlySet<string> ValueFlags { get; } = new HashSet<string>
        { "ratings", "kfold", "factors", "regularization", "learning-rate", "epochs", "threads", "seed" };
    public IReadOnlySet<string> Switches { get; } = new HashSet<string>();

    public int Execute(CommandArguments args, TextWriter output)
    {
        var path = args.Required("ratings");
        var folds = args.Int("kfold", 2, 100) ?? 3;
        var defaults = new TrainingOptions { Threads = args.Int("threads", 0, 1024) ?? 0, Seed = args.Int("seed") ?? 42 };
        var factors = args.IntList("factors", 1, 4096) ?? [defaults.Factors];
        var regularization = (args.DoubleList("regularization", 0, 1000) ?? [defaults.Regularization]).Select(v => (float)v).ToArray();
        var learningRates = (args.DoubleList("learning-rate", 0, 10, minExclusive: true) ?? [defaults.LearningRate]).Select(v => (float)v).ToArray();
        var epochs = args.IntList("epochs", 1, 100_000)?.Select(e => (int?)e).ToArray() ?? [null];

        var ratings = RatingFileReader.Read(path);
        if (ratings.Count < folds) throw new RatingFileException(path, 0, $"only {ratings.Count} ratings for {folds} folds");
        var points = factors.Length * regularization.Length * learningRates.Length * epochs.Length;
        output.WriteLine($"{folds}-fold CV on {path} ({ratings.Count} ratings), {points} grid points");
        var done = 0;
        var results = GridSearch.Run(ratings, folds, defaults, factors, regularization, learningRates, epochs, (uint)defaults.Seed,
            r => output.WriteLine($"  [{++done}/{points}] {Describe(r.Options)}: CV RMSE {r.MeanRmse:F4} ± {r.StdRmse:F4} ({r.Seconds:F1} s)"));

        output.WriteLine();
        output.WriteLine($"{"rank",4} {"factors",7} {"reg",8} {"lr",8} {"epochs",7} {"CV RMSE",8} {"std",7} {"seconds",8}");
        var rank = 0;
        foreach (var r in results)
        {
            var o = r.Options;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{++rank,4} {o.Factors,7} {o.Regularization,8:G4} {o.LearningRate,8:G4} {(o.Epochs?.ToString(CultureInfo.InvariantCulture) ?? "auto"),7} {r.MeanRmse,8:F4} {r.StdRmse,7:F4} {r.Seconds,8:F1}"));
        }
        return RecsysCommandLine.Success;
    }

    private static string Describe(TrainingOptions o) =>
        $"factors {o.Factors}, reg {o.Regularization:G4}, lr {o.LearningRate:G4}, epochs {(o.Epochs?.ToString(CultureInfo.InvariantCulture) ?? "auto")}";
}
