using System.Diagnostics;
using RecommenderService.Engine;

namespace RecommenderService.Cli;

/// <summary><c>recsys train</c>: fit a model on a rating file and write it (see <see cref="ModelFile"/>).</summary>
internal sealed class TrainCommand : ICommand
{
    public string Name => "train";
    public string Summary => "train a model (rating head + ranking head) on a rating file and write it";
    public string Usage => "Usage: recsys train --ratings FILE --output MODEL [--no-ranking] [flags]\n\n"
        + "Trains on every rating of FILE the rating head (biased MF by SGD, printing epoch, train RMSE, validation RMSE\n"
        + "and seconds per epoch) and then the ranking head (implicit ALS on which items each user rated, printing\n"
        + "iteration, loss per rating and seconds), and writes both to MODEL. --no-ranking skips the ranking head.\n\n"
        + "Flags:\n" + TrainingFlags.Help + RankingFlags.Help;
    public IReadOnlySet<string> ValueFlags { get; } = new HashSet<string>(["ratings", "output", .. TrainingFlags.Names, .. RankingFlags.Names]);
    public IReadOnlySet<string> Switches { get; } = new HashSet<string> { "no-ranking" };

    public int Execute(CommandArguments args, TextWriter output)
    {
        var path = args.Required("ratings");
        var modelPath = args.Required("output");
        var options = TrainingFlags.Apply(args, Name);
        var rankingOptions = args.Switch("no-ranking") ? null : RankingFlags.Apply(args, Name);

        var total = Stopwatch.StartNew();
        var ratings = RatingFileReader.Read(path);
        var readSeconds = total.Elapsed.TotalSeconds;
        output.WriteLine($"Read {ratings.Count} ratings ({ratings.UserCount} users, {ratings.ItemCount} items) from {path} in {readSeconds:F3} s");
        if (ratings.Count == 0) throw new RatingFileException(path, 0, "no ratings to train on");
        output.WriteLine($"Training: {TrainingFlags.Describe(options)}");
        output.WriteLine($"{"epoch",5}  {"train RMSE",10}  {"valid RMSE",10}  {"seconds",8}");

        var trainClock = Stopwatch.StartNew();
        var result = TrainingPolicy.Fit(ratings, options, p =>
            output.WriteLine($"{p.Epoch,5}  {p.TrainRmse,10:F4}  {(p.ValidationRmse is { } v ? v.ToString("F4") : "-"),10}  {p.Seconds,8:F3}"));
        var trainSeconds = trainClock.Elapsed.TotalSeconds;
        if (options.Epochs is null)
            output.WriteLine($"Best epoch {result.BestEpoch} (validation RMSE {result.BestValidationRmse:F4}); refit on all ratings for {result.BestEpoch} epochs");
        var model = result.Model;
        var rankingSeconds = 0.0;
        if (rankingOptions is not null)
        {
            output.WriteLine($"Ranking head: {RankingFlags.Describe(rankingOptions)}");
            var rankingClock = Stopwatch.StartNew();
            var head = RankingFlags.Train(ratings, rankingOptions, temporal: false, output, p =>
                output.WriteLine($"  ranking iteration {p.Iteration,3}  loss/rating {p.Loss:F4}  {p.Seconds:F3} s"));
            rankingSeconds = rankingClock.Elapsed.TotalSeconds;
            model = model.WithRanking(head);
            output.WriteLine($"Ranking head trained in {rankingSeconds:F3} s");
        }

        var writeClock = Stopwatch.StartNew();
        ModelFile.Write(model, modelPath);
        var heads = model.Ranking is { } r ? $"k={model.Factors}, ranking k={r.Factors}" : $"k={model.Factors}, no ranking head";
        output.WriteLine($"Wrote {modelPath} ({model.Users.Count} users, {model.Items.Count} items, {heads}) in {writeClock.Elapsed.TotalSeconds:F3} s");
        output.WriteLine($"Total {total.Elapsed.TotalSeconds:F3} s (read {readSeconds:F3} s, train {trainSeconds:F3} s, {result.EpochsRun} epochs"
            + (rankingOptions is null ? ")" : $", ranking head {rankingSeconds:F3} s)"));
        return RecsysCommandLine.Success;
    }
}
