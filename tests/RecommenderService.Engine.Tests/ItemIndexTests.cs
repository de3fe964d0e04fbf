namespace RecommenderService.Engine.Tests;

/// <summary>
/// Lists and similar items from the HNSW indexes (<see cref="ItemIndexes"/>) against the exact scan, on a model trained
/// on generated ratings: recall, pages, exclusions, folded-in users and items appended after the index was built.
/// </summary>
public sealed class ItemIndexTests
{
    private const int Items = 4000;

    /// <summary>A model with both heads trained on generated ratings (small enough for CI, large enough for a real graph).</summary>
    private static readonly Lazy<(FactorModel Model, RatingSet Ratings)> Trained = new(() =>
    {
        var ratings = SyntheticRatings.Generate(new SyntheticRatingsOptions { Users = 1500, Items = Items, Ratings = 60_000, Seed = 30 });
        var model = new SgdTrainer(new TrainingOptions { Factors = 16, Epochs = 10, Threads = 1 }).Train(ratings).Model
            .WithRanking(new RankingTrainer(new RankingOptions { Factors = 16, Iterations = 4, Threads = 1 }).Train(ratings));
        return (model, ratings);
    });

    /// <summary>A fresh copy of the trained model whose head has indexes (each test attaches its own).</summary>
    private static (FactorModel Plain, FactorModel Indexed) Models(ItemIndexOptions? options = null)
    {
        var model = Trained.Value.Model;
        var head = model.Ranking!;
        var copy = model.WithRanking(new RankingHead(head.Factors, head.UserFactors, head.ItemFactors, head.Feedback, head.Regularization));
        ItemIndexes.Build(copy, options ?? ItemIndexOptions.Default);
        return (model, copy);
    }

    private static int[][] RatedItems(FactorModel model, RatingSet ratings)
    {
        var rated = new List<int>[model.Users.Count];
        for (var u = 0; u < rated.Length; u++) rated[u] = [];
        for (var r = 0; r < ratings.Count; r++)
            if (model.Users.TryGetIndex(ratings.Users[ratings.User[r]], out var u) && model.Items.TryGetIndex(ratings.Items[ratings.Item[r]], out var i))
                rated[u].Add(i);
        return Array.ConvertAll(rated, l => l.ToArray());
    }

    private static double Recall(ScoredItem[] exact, ScoredItem[] approximate)
    {
        var truth = exact.Select(s => s.Item).ToHashSet();
        return truth.Count == 0 ? 1 : (double)approximate.Count(s => truth.Contains(s.Item)) / truth.Count;
    }

    [Fact]
    public void Lists_from_the_index_hold_at_least_98_percent_of_the_exact_top_10()
    {
        var (plain, indexed) = Models();
        var rated = RatedItems(plain, Trained.Value.Ratings);
        double recall = 0;
        var users = Enumerable.Range(0, plain.Users.Count).Where(u => u % 3 == 0).ToArray();
        foreach (var u in users)
        {
            var exact = TopKScan.ForUserList(plain, u, 10, rated[u]);
            var approximate = TopKScan.ForUserList(indexed, u, 10, rated[u]);
            recall += Recall(exact, approximate);
            // An item both lists hold has the same score in both: the index only chooses candidates.
            foreach (var item in approximate)
                if (exact.FirstOrDefault(e => e.Item == item.Item) is { Score: var score } && exact.Any(e => e.Item == item.Item))
                    Assert.Equal(score, item.Score);
        }
        recall /= users.Length;
        Assert.True(recall >= 0.98, $"recall@10 {recall:F4}");
    }

    [Fact]
    public void Folded_in_users_lists_from_the_index_hold_at_least_98_percent_of_the_exact_top_10()
    {
        var (plain, indexed) = Models();
        var random = new Random(4);
        double recall = 0;
        const int users = 200;
        for (var n = 0; n < users; n++)
        {
            // A newcomer's ratings: their solved vectors are the query.
            var items = Enumerable.Range(0, 15).Select(_ => random.Next(Items)).Distinct().ToArray();
            var values = items.Select(_ => (float)random.Next(1, 6)).ToArray();
            var folded = FoldIn.Solve(plain, items, values, 0.05f);
            var ranking = FoldIn.SolveRanking(plain, items, values);
            var exact = TopKScan.ForUserList(plain, folded.Factors, folded.Bias, ranking, 10, items);
            var approximate = TopKScan.ForUserList(indexed, folded.Factors, folded.Bias, ranking, 10, items);
            recall += Recall(exact, approximate);
        }
        recall /= users;
        Assert.True(recall >= 0.98, $"recall@10 {recall:F4}");
    }

    [Fact]
    public void A_longer_list_starts_with_every_shorter_one_so_pages_continue_one_another()
    {
        var (_, indexed) = Models(ItemIndexOptions.Default with { Candidates = 50 });
        var rated = RatedItems(indexed, Trained.Value.Ratings);
        foreach (var u in new[] { 0, 7, 99, 1200 })
        {
            var lists = new[] { 10, 20, 49, 60, 200, 1000, Items }.Select(depth => TopKScan.ForUserList(indexed, u, depth, rated[u])).ToArray();
            for (var l = 1; l < lists.Length; l++)
                Assert.Equal(lists[l - 1], lists[l][..lists[l - 1].Length]);
            // The deepest list holds every item the user did not rate, once: widening ends in a scan of the rest.
            var all = lists[^1].Select(s => s.Item).ToArray();
            Assert.Equal(all.Length, all.Distinct().Count());
            Assert.Equal(Items - rated[u].Distinct().Count(), all.Length);
            Assert.Empty(all.Intersect(rated[u]));
        }
    }

    [Fact]
    public void A_filter_that_leaves_few_items_widens_the_candidates_until_the_list_is_full()
    {
        var (plain, indexed) = Models();
        // A narrow filter: only every 50th item may be listed, so the first candidates hold few of them.
        var excluded = Enumerable.Range(0, Items).Where(i => i % 50 != 0).ToArray();

        var exact = TopKScan.ForUserList(plain, 3, 10, excluded);
        var approximate = TopKScan.ForUserList(indexed, 3, 10, excluded);

        Assert.Equal(10, approximate.Length);
        Assert.All(approximate, s => Assert.Equal(0, s.Item % 50));
        Assert.True(Recall(exact, approximate) >= 0.8, $"recall@10 {Recall(exact, approximate):F2}");
    }

    [Fact]
    public void Items_appended_after_the_index_was_built_are_listed_from_their_vectors()
    {
        var (_, indexed) = Models();
        var head = indexed.Ranking!;
        const int user = 5;
        // One appended item pointing exactly along the user's ranking vector, far longer than any trained item.
        var appended = new float[(Items + 1) * head.Factors];
        head.ItemFactors.CopyTo(appended, 0);
        var x = head.UserVector(user);
        for (var f = 0; f < head.Factors; f++) appended[Items * head.Factors + f] = x[f] * 1000;
        var bias = indexed.ItemBias.Append(5f).ToArray();
        var factors = indexed.ItemFactors.Concat(new float[indexed.Factors]).ToArray();
        var grown = new FactorModel(indexed.Users, new IdMap(indexed.Items.Ids.Append("new")), indexed.Factors, indexed.GlobalMean,
                indexed.UserBias, bias, indexed.UserFactors, factors, indexed.Scale)
            .WithRanking(new RankingHead(head.Factors, head.UserFactors, appended, head.Feedback, head.Regularization));
        grown.Ranking!.UseIndexes(head.Indexes!);

        var list = TopKScan.ForUserList(grown, user, 10, []);

        Assert.Equal(Items, list[0].Item);
        Assert.Equal(Items, head.Indexes!.Lists.Count);
    }

    [Fact]
    public void Similar_items_from_the_index_hold_at_least_98_percent_of_the_exact_top_10_and_skip_excluded_items()
    {
        var (plain, indexed) = Models();
        double recall = 0;
        var items = Enumerable.Range(0, Items).Where(i => i % 20 == 0).ToArray();
        foreach (var item in items)
            recall += Recall(ItemSimilarity.MostSimilar(plain, item, 10), ItemSimilarity.MostSimilar(indexed, item, 10));
        recall /= items.Length;
        Assert.True(recall >= 0.98, $"recall@10 {recall:F4}");

        var skipped = ItemSimilarity.MostSimilar(plain, 40, 5).Select(s => s.Item).ToArray();
        var filtered = ItemSimilarity.MostSimilar(indexed, 40, 10, skipped);
        Assert.Equal(10, filtered.Length);
        Assert.Empty(filtered.Select(s => s.Item).Intersect(skipped.Append(40)));
    }

    [Fact]
    public void Lists_asked_for_from_more_threads_than_cores_are_the_ones_asked_for_one_at_a_time()
    {
        var (_, indexed) = Models();
        var rated = RatedItems(indexed, Trained.Value.Ratings);
        var users = Enumerable.Range(0, 400).ToArray();
        var sequential = users.Select(u => TopKScan.ForUserList(indexed, u, 10, rated[u])).ToArray();

        // The native index has one search context per hardware thread; requests on more threads wait for one.
        var parallel = new ScoredItem[users.Length][];
        Parallel.For(0, users.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 * Environment.ProcessorCount },
            n => parallel[n] = TopKScan.ForUserList(indexed, users[n], 10, rated[users[n]]));

        for (var n = 0; n < users.Length; n++) Assert.Equal(sequential[n], parallel[n]);
    }

    [Fact]
    public void Settings_out_of_range_are_refused_naming_the_setting()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ItemIndexOptions.Default with { Candidates = 0 } is var bad ? ItemIndex.Build([], 4, 0, IndexMetric.InnerProduct, bad) : null);
        Assert.Equal("Candidates", error.ParamName);
    }
}
