using System.Globalization;
using System.Text;
using RecommenderService.Engine;

namespace RecommenderService.Cli;

/// <summary><c>recsys predict</c>: one predicted rating per (user, item) pair, in input order, with fallbacks.</summary>
internal sealed class PredictCommand : ICommand
{
    public string Name => "predict";
    public string Summary => "predict ratings for user/item pairs";
    public string Usage => """
        Usage: recsys predict --model MODEL --pairs FILE --output FILE

        Reads pairs (user TAB item [TAB anything], or any rating file format; ratings are ignored) and writes
        one line user TAB item TAB prediction per input pair, in input order. Unknown ids fall back to what
        the model knows: known item only -> mu + b_i, known user only -> mu + b_u, neither -> mu; every
        prediction is clamped to the rating scale.
        """;
    public IReadOnlySet<string> ValueFlags { get; } = new HashSet<string> { "model", "pairs", "output" };
    public IReadOnlySet<string> Switches { get; } = new HashSet<string>();

    public int Execute(CommandArguments args, TextWriter output)
    {
        var modelPath = args.Required("model");
        var pairsPath = args.Required("pairs");
        var outputPath = args.Required("output");
        var model = ModelFile.Read(modelPath);
        var pairs = RatingFileReader.Read(pairsPath, new RatingFileReadOptions { RequireRating = false });

        var users = MapIds(pairs.Users, model.Users);
        var items = MapIds(pairs.Items, model.Items);
        using var writer = new StreamWriter(outputPath, false, new UTF8Encoding(false), 1 << 16);
        var unknown = 0;
        for (var r = 0; r < pairs.Count; r++)
        {
            var prediction = Predict(model, users[pairs.User[r]], items[pairs.Item[r]]);
            if (users[pairs.User[r]] < 0 || items[pairs.Item[r]] < 0) unknown++;
            writer.Write(pairs.Users[pairs.User[r]]);
            writer.Write('\t');
            writer.Write(pairs.Items[pairs.Item[r]]);
            writer.Write('\t');
            writer.Write(prediction.ToString("0.####", CultureInfo.InvariantCulture));
            writer.Write('\n');
        }
        output.WriteLine($"Wrote {pairs.Count} predictions to {outputPath} ({unknown} with an unknown user or item, by fallback)");
        return RecsysCommandLine.Success;
    }

    /// <summary>The model's best guess for indices that may be -1 (unknown).</summary>
    internal static float Predict(FactorModel model, int user, int item)
    {
        if (user >= 0 && item >= 0) return model.Predict(user, item);
        var score = model.GlobalMean;
        if (user >= 0) score += model.UserBias[user];
        if (item >= 0) score += model.ItemBias[item];
        return model.Scale.Clamp(score);
    }

    /// <summary>For each id of <paramref name="source"/>, its index in <paramref name="target"/> or -1.</summary>
    internal static int[] MapIds(IdMap source, IdMap target)
    {
        var map = new int[source.Count];
        for (var k = 0; k < map.Length; k++) map[k] = target.TryGetIndex(source[k], out var index) ? index : -1;
        return map;
    }
}
