using System.Diagnostics;
using System.Globalization;
using System.Text;
using RecommenderService.Engine;

namespace RecommenderService.Cli;

/// <summary><c>recsys recommend</c>: top-N items for every user of a model, excluding what they rated.</summary>
internal sealed class RecommendCommand : ICommand
{
    public string Name => "recommend";
    public string Summary => "top-N recommendations for every user in a model";
    public string Usage => """
        Usage: recsys recommend --model MODEL --ratings FILE --count N --output FILE [--threads T]

        For every user of MODEL, in model order, writes N lines user TAB item TAB score, best first,
        leaving out the items that user rated in FILE (ratings of ids the model does not know are ignored).
        Lists come from the ranking head weighted by the rating head when MODEL has a ranking head
        (score = the list score of ListScore: ranking score x sigmoid(1.5 (predicted - 3)), not a rating),
        else from the rating head (score = unclamped predicted rating).
        Users are scored in parallel (T threads, 0 = all cores).
        """;
    public IReadOnlySet<string> ValueFlags { get; } = new HashSet<string> { "model", "ratings", "count", "output", "threads" };
    public IReadOnlySet<string> Switches { get; } = new HashSet<string>();

    public int Execute(CommandArguments args, TextWriter output)
    {
        var modelPath = args.Required("model");
        var ratingsPath = args.Required("ratings");
        var count = args.Int("count", 1, 1_000_000) ?? throw new UsageException("missing --count", Name);
        var outputPath = args.Required("output");
        var threads = args.Int("threads", 0, 1024) ?? 0;
        var clock = Stopwatch.StartNew();
        var model = ModelFile.Read(modelPath);
        var ratings = RatingFileReader.Read(ratingsPath);
        var excluded = RatedItems(model, ratings);

        var userCount = model.Users.Count;
        const int chunk = 256;
        var chunks = (userCount + chunk - 1) / chunk;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads == 0 ? Environment.ProcessorCount : threads };
        using var stream = new FileStream(outputPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        // Chunks are formatted in parallel and written in order, a window at a time, so memory stays bounded.
        var window = Math.Max(1, parallel.MaxDegreeOfParallelism * 4);
        for (var first = 0; first < chunks; first += window)
        {
            var last = Math.Min(chunks, first + window);
            var texts = new byte[last - first][];
            Parallel.For(first, last, parallel, c =>
            {
                var text = new StringBuilder();
                for (var u = c * chunk; u < Math.Min(userCount, (c + 1) * chunk); u++)
                {
                    var id = model.Users[u];
                    var list = model.Ranking is null ? TopKScan.ForUser(model, u, count, excluded[u]) : TopKScan.ForUserList(model, u, count, excluded[u]);
                    foreach (var s in list)
                    {
                        text.Append(id).Append('\t').Append(model.Items[s.Item]).Append('\t')
                            .Append(s.Score.ToString("0.####", CultureInfo.InvariantCulture)).Append('\n');
                    }
                }
                texts[c - first] = Encoding.UTF8.GetBytes(text.ToString());
            });
            foreach (var t in texts) stream.Write(t);
        }
        output.WriteLine($"Wrote up to {count} recommendations for each of {userCount} users to {outputPath} in {clock.Elapsed.TotalSeconds:F3} s");
        return RecsysCommandLine.Success;
    }

    /// <summary>Per model user, the model item indices they rated in <paramref name="ratings"/>, sorted.</summary>
    internal static int[][] RatedItems(FactorModel model, RatingSet ratings)
    {
        var users = PredictCommand.MapIds(ratings.Users, model.Users);
        var items = PredictCommand.MapIds(ratings.Items, model.Items);
        var lists = new List<int>?[model.Users.Count];
        for (var r = 0; r < ratings.Count; r++)
        {
            int u = users[ratings.User[r]], i = items[ratings.Item[r]];
            if (u < 0 || i < 0) continue;
            (lists[u] ??= []).Add(i);
        }
        var result = new int[lists.Length][];
        for (var u = 0; u < lists.Length; u++)
        {
            if (lists[u] is null) { result[u] = []; continue; }
            var sorted = lists[u]!.Distinct().ToArray();
            Array.Sort(sorted);
            result[u] = sorted;
        }
        return result;
    }
}
