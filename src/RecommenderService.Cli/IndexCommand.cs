using System.Diagnostics;
using RecommenderService.Engine;

namespace RecommenderService.Cli;

/// <summary>
/// <c>recsys index</c>: how lists and similar items from the HNSW indexes (<see cref="ItemIndexes"/>) compare with the
/// exact scan on a trained model: recall@10 of the index path against the scan, both paths' P@10 and liked P@10 on
/// held-out ratings, the build time and the time per list.
/// </summary>
internal sealed class IndexCommand : ICommand
{
    private const int K = 10;

    public string Name => "index";
    public string Summary => "recall@10 and list metrics of the HNSW index path against the exact scan";
    public string Usage => """
        Usage: recsys index --model MODEL --ratings TRAIN [--test TEST] [--users N] [--seed S]
                            [--candidates C] [--connectivity M] [--expansion-add A] [--expansion-search E]

        Builds the service's two HNSW indexes (inner product for lists, cosine for similar items) over MODEL's
        ranking head and, for N random users of MODEL (default 2000, seed S default 1), compares each user's
        top 10 from the index path (C candidates re-ranked exactly with the list score) with the exact scan,
        both leaving out what the user rated in TRAIN: recall@10 = shared items / 10, averaged over the users.
        With TEST (ratings held out of TRAIN), also P@10 (relevant: every held-out item) and liked P@10
        (held-out rating >= 4) of both paths, over the users with held-out ratings. Then the same recall for
        the 10 most similar items of N random items. Prints the build time, the index memory (estimated) and
        the mean CPU time per list of both paths (one thread; CPU time rather than wall time, which on a
        shared machine says more about the neighbours).
        Defaults of the settings are the service's (ItemIndexOptions).
        """;
    public IReadOnlySet<string> ValueFlags { get; } = new HashSet<string>
        { "model", "ratings", "test", "users", "seed", "candidates", "connectivity", "expansion-add", "expansion-search" };
    public IReadOnlySet<string> Switches { get; } = new HashSet<string>();

    public int Execute(CommandArguments args, TextWriter output)
    {
        var model = ModelFile.Read(args.Required("model"));
        var head = model.Ranking ?? throw new UsageException("the model has no ranking head", Name);
        var train = RatingFileReader.Read(args.Required("ratings"));
        var testPath = args.String("test");
        var sample = args.Int("users", 1, 10_000_000) ?? 2000;
        var random = new Random(args.Int("seed") ?? 1);
        var defaults = ItemIndexOptions.Default;
        var options = new ItemIndexOptions
        {
            Candidates = args.Int("candidates", 1, 100_000) ?? defaults.Candidates,
            Connectivity = args.Int("connectivity", 2, 256) ?? defaults.Connectivity,
            ExpansionAdd = args.Int("expansion-add", 1, 4096) ?? defaults.ExpansionAdd,
            ExpansionSearch = args.Int("expansion-search", 1, 4096) ?? defaults.ExpansionSearch,
        };
        var rated = RecommendCommand.RatedItems(model, train);
        var users = Pick(random, model.Users.Count, sample);
        var items = Pick(random, model.Items.Count, sample);
        output.WriteLine($"{model.Users.Count} users, {model.Items.Count} items, ranking k={head.Factors}; {users.Length} users and {items.Length} items sampled; {options}");

        // The exact scan first, while the head has no index.
        var exact = Lists(model, users, rated, out var exactMicros);
        var exactSimilar = Similar(model, items, out var exactSimilarMicros);
        var rssBefore = Environment.WorkingSet;
        // CPU time as well as wall time: on a shared machine the wall time says more about the neighbours.
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var indexes = ItemIndexes.Build(model, options);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var rssAfter = Environment.WorkingSet;
        output.WriteLine($"built both indexes in {indexes.BuildTime.TotalSeconds:F1} s (side by side, {cpu.TotalSeconds:F1} s of CPU); estimated {indexes.Bytes / 1e6:F0} MB, working set +{(rssAfter - rssBefore) / 1e6:F0} MB");
        var indexed = Lists(model, users, rated, out var indexMicros);
        var indexedSimilar = Similar(model, items, out var indexSimilarMicros);

        output.WriteLine($"lists: recall@10 of the index path {Recall(exact, indexed):F4}; CPU µs per list: scan {exactMicros:F0}, index {indexMicros:F0}");
        output.WriteLine($"similar items: recall@10 {Recall(exactSimilar, indexedSimilar):F4}; CPU µs per list: scan {exactSimilarMicros:F0}, index {indexSimilarMicros:F0}");
        if (testPath is not null)
        {
            var test = RatingFileReader.Read(testPath);
            var testUsers = PredictCommand.MapIds(test.Users, model.Users);
            var testItems = PredictCommand.MapIds(test.Items, model.Items);
            var heldOut = new Dictionary<int, (HashSet<int> All, HashSet<int> Liked)>();
            for (var r = 0; r < test.Count; r++)
            {
                int u = testUsers[test.User[r]], i = testItems[test.Item[r]];
                if (u < 0 || i < 0) continue;
                if (!heldOut.TryGetValue(u, out var sets)) heldOut[u] = sets = ([], []);
                sets.All.Add(i);
                if (test.Value[r] >= RankingMetrics.DefaultThreshold) sets.Liked.Add(i);
            }
            foreach (var (name, lists) in new[] { ("scan", exact), ("index", indexed) })
            {
                var all = RankingMetrics.Mean(users.Select((u, n) => (lists[n], (IReadOnlySet<int>)(heldOut.TryGetValue(u, out var s) ? s.All : []))), K);
                var liked = RankingMetrics.Mean(users.Select((u, n) => (lists[n], (IReadOnlySet<int>)(heldOut.TryGetValue(u, out var s) ? s.Liked : []))), K);
                output.WriteLine($"{name}: P@10 {all.Precision:F4} ({all.Users} users), liked P@10 {liked.Precision:F4} ({liked.Users} users)");
            }
        }
        return RecsysCommandLine.Success;
    }

    private static int[] Pick(Random random, int population, int count)
    {
        var all = Enumerable.Range(0, population).ToArray();
        random.Shuffle(all);
        return all[..Math.Min(count, population)];
    }

    private static int[][] Lists(FactorModel model, int[] users, int[][] rated, out double micros)
    {
        var lists = new int[users.Length][];
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        for (var n = 0; n < users.Length; n++)
            lists[n] = Array.ConvertAll(TopKScan.ForUserList(model, users[n], K, rated[users[n]]), s => s.Item);
        micros = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / Math.Max(1, users.Length);
        return lists;
    }

    private static int[][] Similar(FactorModel model, int[] items, out double micros)
    {
        var lists = new int[items.Length][];
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        for (var n = 0; n < items.Length; n++)
            lists[n] = Array.ConvertAll(ItemSimilarity.MostSimilar(model, items[n], K), s => s.Item);
        micros = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / Math.Max(1, items.Length);
        return lists;
    }

    private static double Recall(int[][] exact, int[][] approximate)
    {
        double sum = 0;
        var counted = 0;
        for (var n = 0; n < exact.Length; n++)
        {
            if (exact[n].Length == 0) continue;
            var truth = new HashSet<int>(exact[n]);
            sum += (double)approximate[n].Count(truth.Contains) / truth.Count;
            counted++;
        }
        return counted == 0 ? 1 : sum / counted;
    }
}
