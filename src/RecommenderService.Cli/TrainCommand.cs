using System.Diagnostics;
using RecommenderService.Engine;

namespace RecommenderService.Cli;

/// <summary><c>recsys train</c>: fit a model on a rating file and write it (see <see cref="ModelFile"/>).</summary>
internal sealed class TrainCommand : ICommand
{
    public string Name => "train";
    public string Summary => "train a model (rating head + ranking head) on a rating file and write it";
    public string Usage => "Usage: recsys train --ratings FILE --output MODEL [--test FILE] [--no-ranking] [--item-attributes FILE] [flags]\n\n"
        + "Trains on every rating of FILE the rating head (biased MF by SGD, printing epoch, train RMSE, validation RMSE\n"
        + "and seconds per epoch) and then the ranking head (implicit ALS on which items each user rated, printing\n"
        + "iteration, loss per rating and seconds), and writes both to MODEL. --no-ranking skips the ranking head.\n"
        + "--test FILE: afterwards, the rating head's RMSE and MAE on FILE's ratings (users or items the model does\n"
        + "not know get mu plus the biases it knows), read after the timed part.\n"
        + "Defaults depend on the number of ratings as in the service (from 1,000,000 on: adaptive steps,\n"
        + "k = 64, patience 2, warm refit, 5 ranking iterations); the flags below show the small-data defaults.\n"
        + "--item-attributes FILE ('item TAB attr|attr' lines or MovieLens u.item genres) also fits and stores the map\n"
        + "from attributes to item vectors that the service uses for items added after training.\n\n"
        + "Flags:\n" + TrainingFlags.Help + RankingFlags.Help;
    public IReadOnlySet<string> ValueFlags { get; } = new HashSet<string>(["ratings", "output", "test", "item-attributes", .. TrainingFlags.Names, .. RankingFlags.Names]);
    public IReadOnlySet<string> Switches { get; } = new HashSet<string> { "no-ranking" };

    public int Execute(CommandArguments args, TextWriter output)
    {
        var path = args.Required("ratings");
        var modelPath = args.Required("output");
        // Checked before the (possibly long) read; applied again below over the defaults for the data's size.
        var scale = TrainingFlags.Apply(args, Name).Scale;
        if (!args.Switch("no-ranking")) RankingFlags.Apply(args, Name, scale);

        var total = Stopwatch.StartNew();
        // Training never looks at time: not keeping it saves 8 bytes a rating.
        var ratings = RatingFileReader.Read(path, new RatingFileReadOptions { KeepTimes = false });
        var readSeconds = total.Elapsed.TotalSeconds;
        output.WriteLine($"Read {ratings.Count} ratings ({ratings.UserCount} users, {ratings.ItemCount} items) from {path} in {readSeconds:F3} s");
        if (ratings.Count == 0) throw new RatingFileException(path, 0, "no ratings to train on");
        var options = SizedDefaults.Training(args, Name, ratings.Count);
        var rankingOptions = args.Switch("no-ranking") ? null : SizedDefaults.Ranking(args, Name, options.Scale, ratings.Count);
        output.WriteLine($"Training: {TrainingFlags.Describe(options)}");
        output.WriteLine($"{"epoch",5}  {"train RMSE",10}  {"valid RMSE",10}  {"seconds",8}");

        var trainClock = Stopwatch.StartNew();
        // Without a ranking head nothing reads the ratings after the rating head: they become its grid, not a copy.
        var result = TrainingPolicy.Fit(ratings, options, p =>
            output.WriteLine($"{p.Epoch,5}  {p.TrainRmse,10:F4}  {(p.ValidationRmse is { } v ? v.ToString("F4") : "-"),10}  {p.Seconds,8:F3}"),
            consumeRatings: rankingOptions is null);
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

        if (args.Has("item-attributes"))
        {
            var attributes = ItemAttributeFile.Read(args.Required("item-attributes"));
            model = model.WithAttributeMap(AttributeFactors.FitOnRatings(model, ratings, attributes));
            output.WriteLine(model.AttributeMap is { } map
                ? $"Attribute map fitted on {map.Fitted} items over {map.Attributes.Count} attributes"
                : "No rated item has attributes: no attribute map");
        }

        var writeClock = Stopwatch.StartNew();
        ModelFile.Write(model, modelPath);
        var heads = model.Ranking is { } r ? $"k={model.Factors}, ranking k={r.Factors}" : $"k={model.Factors}, no ranking head";
        output.WriteLine($"Wrote {modelPath} ({model.Users.Count} users, {model.Items.Count} items, {heads}) in {writeClock.Elapsed.TotalSeconds:F3} s");
        output.WriteLine($"Total {total.Elapsed.TotalSeconds:F3} s (read {readSeconds:F3} s, train {trainSeconds:F3} s, {result.EpochsRun} epochs"
            + (rankingOptions is null ? ")" : $", ranking head {rankingSeconds:F3} s)"));
        if (args.String("test") is { } testPath)
        {
            // The training's grid and state are garbage now: collected first, their memory holds the test set
            // instead of the process growing by it.
            GC.Collect();
            WriteTestError(model, testPath, output);
        }
        return RecsysCommandLine.Success;
    }

    private static void WriteTestError(FactorModel model, string testPath, TextWriter output)
    {
        var test = RatingFileReader.Read(testPath, new RatingFileReadOptions { Users = model.Users.Clone(), Items = model.Items.Clone(), KeepTimes = false });
        var predicted = new float[test.Count];
        for (var r = 0; r < test.Count; r++)
        {
            var (u, i) = (test.User[r], test.Item[r]);
            predicted[r] = u < model.Users.Count && i < model.Items.Count
                ? model.Predict(u, i)
                : model.Scale.Clamp(model.GlobalMean + (u < model.Users.Count ? model.UserBias[u] : 0) + (i < model.Items.Count ? model.ItemBias[i] : 0));
        }
        output.WriteLine($"Test {testPath}: {test.Count} ratings, RMSE {ErrorMetrics.Rmse(predicted, test.Value):F4}, MAE {ErrorMetrics.Mae(predicted, test.Value):F4}");
    }
}
