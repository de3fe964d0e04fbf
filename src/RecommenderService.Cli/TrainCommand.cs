using System.Diagnostics;
using RecommenderService.Engine;

namespace RecommenderService.Cli;

/// <summary><c>recsys train</c>: fit a model on a rating file and write it (see <see cref="ModelFile"/>).</summary>
internal sealed class TrainCommand : ICommand
{
    public string Name => "train";
    public string Summary => "train a biased MF model on a rating file and write it";
    public string Usage => "Usage: recsys train --ratings FILE --output MODEL [flags]\n\n"
        + "Trains on every rating of FILE, printing epoch, train RMSE, validation RMSE and seconds per epoch,\n"
        + "then writes MODEL.\n\nFlags:\n" + TrainingFlags.Help;
    public IReadOnlySet<string> ValueFlags { get; } = new HashSet<string>(["ratings", "output", .. TrainingFlags.Names]);
    public IReadOnlySet<string> Switches { get; } = new HashSet<string>();

    public int Execute(CommandArguments args, TextWriter output)
    {
        var path = args.Required("ratings");
        var modelPath = args.Required("output");
        var options = TrainingFlags.Apply(args, Name);

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

        var writeClock = Stopwatch.StartNew();
        ModelFile.Write(result.Model, modelPath);
        output.WriteLine($"Wrote {modelPath} ({result.Model.Users.Count} users, {result.Model.Items.Count} items, k={result.Model.Factors}) in {writeClock.Elapsed.TotalSeconds:F3} s");
        output.WriteLine($"Total {total.Elapsed.TotalSeconds:F3} s (read {readSeconds:F3} s, train {trainSeconds:F3} s, {result.EpochsRun} epochs)");
        return RecsysCommandLine.Success;
    }
}
