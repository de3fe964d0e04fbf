using System.Runtime.InteropServices;

namespace RecommenderService.Engine.Tests;

public sealed class RankingHeadTests
{
    private static readonly RankingOptions Small = new() { Factors = 8, Iterations = 10, Regularization = 1f, RegularizationPerItemRating = null, Threads = 1 };

    /// <summary>
    /// Six groups of users; each group has 15 favourite items and every member rates all of them; everyone also rates
    /// a random 8 of 30 blockbusters, which are therefore the most-rated items overall.
    /// </summary>
    private static RatingSet PlantedFavourites(int users = 240, int seed = 3)
    {
        const int groups = 6, favourites = 15, blockbusters = 30;
        var random = new Random(seed);
        var b = new RatingSetBuilder();
        for (var u = 0; u < users; u++)
        {
            var group = u % groups;
            for (var f = 0; f < favourites; f++) b.Add($"u{u}", $"fav{group}-{f}", random.Next(3, 6));
            foreach (var x in Enumerable.Range(0, blockbusters).OrderBy(_ => random.Next()).Take(8)) b.Add($"u{u}", $"hit{x}", random.Next(1, 6));
        }
        return b.Build();
    }

    [Fact]
    public void The_ranking_head_recovers_each_users_hidden_favourites_better_than_popularity()
    {
        var (train, test) = PerUserSplit.Split(PlantedFavourites(), 0.25, seed: 5);
        var rating = new SgdTrainer(new TrainingOptions { Factors = 4, Epochs = 10, Threads = 1 }).Train(train).Model;
        var model = rating.WithRanking(new RankingTrainer(Small).Train(train));
        var options = new EvaluationOptions { K = 5, RelevanceThreshold = null, MaxRankingUsers = 0 };

        var ranking = Evaluation.Ranking(new RankingHeadPredictor(model), train, test, options);
        var popularity = Evaluation.Ranking(PopularityPredictor.Fit(train, RatingScale.OneToFive), train, test, options);

        Assert.True(ranking.Precision > popularity.Precision + 0.2, $"ranking P@5 {ranking.Precision:F3}, popularity {popularity.Precision:F3}");
        Assert.True(ranking.Ndcg > popularity.Ndcg + 0.2, $"ranking NDCG@5 {ranking.Ndcg:F3}, popularity {popularity.Ndcg:F3}");
    }

    [Fact]
    public void Ranking_fold_in_agrees_with_a_direct_solve_over_every_item()
    {
        var ratings = TestData.LowRank(60, 40, 0.3);
        var head = new RankingTrainer(Small with { Weighting = ConfidenceWeighting.Rating, Alpha = 0.5f }).Train(ratings);
        var model = TestData.RandomModel(60, 40, 3).WithRanking(head);
        int[] items = [3, 17, 5, 39, 0, 22];
        float[] values = [5, 1, 4, 3, 2, 5];

        var folded = FoldIn.SolveRanking(model, items, values);

        // Direct: minimise Σ over ALL items c_i (p_i − x·y_i)² + λ|x|², with c = 1 + α·r and p = 1 for rated items.
        var expected = DirectSolve(head, model.Items.Count, i =>
        {
            var at = Array.IndexOf(items, i);
            return at >= 0 ? (1 + 0.5 * values[at], 1.0) : (1.0, 0.0);
        });
        for (var f = 0; f < head.Factors; f++) Assert.Equal(expected[f], folded[f], 1e-4);
    }

    [Fact]
    public void A_folded_in_user_ranks_their_own_items_first_when_nothing_is_excluded()
    {
        var ratings = TestData.LowRank(50, 30, 0.4);
        var head = new RankingTrainer(Small with { ConjugateGradientSteps = 0, Iterations = 1 }).Train(ratings);
        var model = TestData.RandomModel(50, 30, 3).WithRanking(head);
        var (start, rows) = PerUserSplit.GroupByUser(ratings);
        var u = 7;
        var own = rows.AsSpan(start[u], start[u + 1] - start[u]).ToArray();
        var x = FoldIn.SolveRanking(model, own.Select(r => ratings.Item[r]).ToArray(), own.Select(r => ratings.Value[r]).ToArray());
        var list = TopKScan.ForUserRanking(model, x, own.Length, []);
        Assert.True(list.Count(s => own.Any(r => ratings.Item[r] == s.Item)) >= own.Length / 2);
    }

    [Fact]
    public void Ranking_lists_never_contain_rated_items_or_duplicates_and_are_sorted()
    {
        var ratings = TestData.LowRank(80, 50, 0.3);
        var model = TestData.RandomModel(80, 50, 3).WithRanking(new RankingTrainer(Small).Train(ratings));
        var (start, rows) = PerUserSplit.GroupByUser(ratings);
        for (var u = 0; u < ratings.UserCount; u++)
        {
            var rated = rows.AsSpan(start[u], start[u + 1] - start[u]).ToArray().Select(r => ratings.Item[r]).ToArray();
            var values = rows.AsSpan(start[u], start[u + 1] - start[u]).ToArray().Select(r => ratings.Value[r]).ToArray();
            foreach (var list in new[]
            {
                TopKScan.ForUserRanking(model, u, 20, rated),
                TopKScan.ForUserRanking(model, FoldIn.SolveRanking(model, rated, values), 20, rated),
            })
            {
                Assert.Equal(Math.Min(20, 50 - rated.Distinct().Count()), list.Length);
                Assert.Empty(list.Select(s => s.Item).Intersect(rated));
                Assert.Equal(list.Length, list.Select(s => s.Item).Distinct().Count());
                Assert.Equal(list.Select(s => s.Score).OrderDescending(), list.Select(s => s.Score));
            }
        }
    }

    [Fact]
    public void Ranking_lists_match_a_scalar_reference()
    {
        var ratings = TestData.LowRank(30, 300, 0.3);
        var model = TestData.RandomModel(30, 300, 3).WithRanking(new RankingTrainer(Small with { Factors = 16 }).Train(ratings));
        var head = model.Ranking!;
        int[] excluded = [4, 250, 4, 999, -1];
        for (var u = 0; u < 30; u++)
        {
            var expected = Enumerable.Range(0, 300).Where(i => !excluded.Contains(i))
                .Select(i => (Item: i, Score: Enumerable.Range(0, 16).Sum(f => (double)head.UserVector(u)[f] * head.ItemVector(i)[f])))
                .OrderByDescending(s => s.Score).ThenBy(s => s.Item).Take(12).ToArray();
            var actual = TopKScan.ForUserRanking(model, u, 12, excluded);
            for (var r = 0; r < 12; r++) Assert.Equal(expected[r].Score, actual[r].Score, 1e-4);
            // Near-ties may swap between summation orders; the sets of clearly separated items agree.
            Assert.Equal(expected[0].Item, actual[0].Item);
        }
    }

    [Fact]
    public void Training_is_reproducible_for_a_seed_with_one_thread_and_across_thread_counts()
    {
        var ratings = TestData.LowRank(70, 45, 0.3);
        var first = new RankingTrainer(Small).Train(ratings);
        var second = new RankingTrainer(Small).Train(ratings);
        var twoThreads = new RankingTrainer(Small with { Threads = 2 }).Train(ratings);
        var otherSeed = new RankingTrainer(Small with { Seed = 43 }).Train(ratings);

        Assert.True(SameBits(first.UserFactors, second.UserFactors) && SameBits(first.ItemFactors, second.ItemFactors));
        Assert.True(SameBits(first.UserFactors, twoThreads.UserFactors) && SameBits(first.ItemFactors, twoThreads.ItemFactors));
        Assert.False(SameBits(first.ItemFactors, otherSeed.ItemFactors));
    }

    [Fact]
    public void Exact_alternating_solves_never_increase_the_loss_and_progress_is_reported_per_iteration()
    {
        var ratings = TestData.LowRank(60, 40, 0.3);
        var progress = new List<RankingProgress>();
        new RankingTrainer(Small with { ConjugateGradientSteps = 0, Iterations = 8 }).Train(ratings, progress.Add);

        Assert.Equal(Enumerable.Range(1, 8), progress.Select(p => p.Iteration));
        for (var i = 1; i < progress.Count; i++) Assert.True(progress[i].Loss <= progress[i - 1].Loss * (1 + 1e-9), $"iteration {i + 1}");
    }

    [Fact]
    public void Training_stops_when_cancelled()
    {
        var ratings = TestData.LowRank(60, 40, 0.3);
        using var cancel = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            new RankingTrainer(Small with { Iterations = 1000 }).Train(ratings, p => { if (p.Iteration == 2) cancel.Cancel(); }, cancel.Token));
    }

    [Fact]
    public void Similar_items_use_the_ranking_factors_when_the_model_has_them()
    {
        var ratings = TestData.LowRank(60, 40, 0.3);
        var rating = TestData.RandomModel(60, 40, 3);
        var model = rating.WithRanking(new RankingTrainer(Small).Train(ratings));
        var y = model.Ranking!;
        var expected = Enumerable.Range(0, 40).Where(i => i != 9)
            .Select(i => (Item: i, Cosine: Cosine(y.ItemVector(9), y.ItemVector(i)))).OrderByDescending(s => s.Cosine).First().Item;

        Assert.Equal(expected, ItemSimilarity.MostSimilar(model, 9, 5)[0].Item);
        Assert.Equal(ItemSimilarity.MostSimilar(rating, 9, 5), ItemSimilarity.MostSimilar(model, 9, 5, useRanking: false));
    }

    [Fact]
    public void A_model_without_a_ranking_head_refuses_ranking_calls_clearly()
    {
        var model = TestData.RandomModel(5, 5, 2);
        Assert.Null(model.Ranking);
        Assert.Throws<InvalidOperationException>(() => TopKScan.ForUserRanking(model, 0, 3, []));
        Assert.Throws<InvalidOperationException>(() => FoldIn.SolveRanking(model, [1], [4f]));
        Assert.Throws<ArgumentException>(() => model.WithRanking(new RankingHead(2, new float[8], new float[10], 1, ConfidenceWeighting.Binary, 1)));
    }

    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var f = 0; f < a.Length; f++)
        {
            dot += a[f] * b[f];
            na += a[f] * a[f];
            nb += b[f] * b[f];
        }
        return dot / Math.Sqrt(na * nb);
    }

    /// <summary>
    /// The exact fold-in: minimises Σ over every item c_i (p_i − x·y_i)² + λ|x|² for the head's item vectors, with
    /// (c_i, p_i) from <paramref name="confidenceAndPreference"/>, by building the normal equations and eliminating.
    /// </summary>
    internal static double[] DirectSolve(RankingHead head, int items, Func<int, (double Confidence, double Preference)> confidenceAndPreference)
    {
        var k = head.Factors;
        var a = new double[k, k];
        var b = new double[k];
        for (var i = 0; i < items; i++)
        {
            var (c, p) = confidenceAndPreference(i);
            var y = head.ItemVector(i);
            for (var r = 0; r < k; r++)
            {
                b[r] += c * p * y[r];
                for (var s = 0; s < k; s++) a[r, s] += c * y[r] * y[s];
            }
        }
        for (var r = 0; r < k; r++) a[r, r] += head.Regularization;
        return GaussianElimination(a, b);
    }

    internal static double[] GaussianElimination(double[,] a, double[] b)
    {
        var n = b.Length;
        for (var c = 0; c < n; c++)
        {
            var pivot = Enumerable.Range(c, n - c).MaxBy(r => Math.Abs(a[r, c]));
            for (var j = 0; j < n; j++) (a[c, j], a[pivot, j]) = (a[pivot, j], a[c, j]);
            (b[c], b[pivot]) = (b[pivot], b[c]);
            for (var r = c + 1; r < n; r++)
            {
                var factor = a[r, c] / a[c, c];
                for (var j = c; j < n; j++) a[r, j] -= factor * a[c, j];
                b[r] -= factor * b[c];
            }
        }
        var x = new double[n];
        for (var r = n - 1; r >= 0; r--)
        {
            var sum = b[r];
            for (var j = r + 1; j < n; j++) sum -= a[r, j] * x[j];
            x[r] = sum / a[r, r];
        }
        return x;
    }

    private static bool SameBits(float[] a, float[] b) =>
        a.Length == b.Length && MemoryMarshal.AsBytes(a.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(b.AsSpan()));
}
