using Xunit.Abstractions;

namespace RecommenderService.Engine.Tests;

public sealed class RankingReasonsTests(ITestOutputHelper output)
{
    private static readonly RankingOptions Options = new() { Factors = 32, Threads = 1 };

    private static readonly Lazy<(RatingSet Ratings, FactorModel Model)> Trained = new(() =>
    {
        var ratings = SyntheticRatings.Generate(new SyntheticRatingsOptions { Users = 400, Items = 300, Ratings = 24_000, Seed = 5 });
        var model = TestData.RandomModel(ratings.UserCount, ratings.ItemCount, 3).WithRanking(new RankingTrainer(Options).Train(ratings));
        return (ratings, model);
    });

    [Fact]
    public void A_folded_in_users_contributions_add_up_to_each_listed_items_ranking_score()
    {
        var (ratings, model) = Trained.Value;
        double worst = 0;
        foreach (var (items, values) in Users(ratings, step: 7))
        {
            var folded = FoldIn.SolveRanking(model, items, values);
            var reasons = RankingReasons.For(model, items, values);

            Assert.Equal(folded, reasons.Vector);
            var contributions = new float[items.Length];
            foreach (var listed in TopKScan.ForUserRanking(model, folded, 10, items))
            {
                reasons.Contributions(listed.Item, contributions);
                double sum = 0;
                foreach (var c in contributions) sum += c;
                var error = Math.Abs(sum - listed.Score) / Math.Abs(listed.Score);
                worst = Math.Max(worst, error);
                Assert.True(error <= 1e-4, $"contributions add up to {sum}, the score is {listed.Score}");
                var explained = reasons.Explain(listed.Item);
                Assert.Equal(listed.Score, explained.Score, 1e-6 * listed.Score);
                Assert.True(Math.Abs(explained.Unexplained) <= 1e-4 * listed.Score, $"unexplained {explained.Unexplained} of {listed.Score}");
            }
        }
        output.WriteLine($"largest relative difference between the contributions' sum and the score: {worst:E2}");
    }

    [Fact]
    public void Contributions_equal_a_scalar_double_precision_solve_over_every_item()
    {
        var (ratings, model) = Trained.Value;
        var head = model.Ranking!;
        var k = head.Factors;
        foreach (var (items, values) in Users(ratings, step: 41))
        {
            var reasons = RankingReasons.For(model, items, values);
            // Reference: A = Σ over all items c_j y_j y_jᵀ + λI (no Gram trick), W y_i by Gaussian elimination, c_j = t_j (W y_i)·y_j.
            var a = new double[k, k];
            for (var item = 0; item < head.ItemCount; item++)
            {
                var at = Array.IndexOf(items, item);
                var confidence = 1.0 + (at >= 0 ? head.FeedbackOf(values[at]).Bonus : 0);
                var y = head.ItemVector(item);
                for (var r = 0; r < k; r++)
                    for (var c = 0; c < k; c++) a[r, c] += confidence * y[r] * y[c];
            }
            for (var r = 0; r < k; r++) a[r, r] += head.Regularization;
            var listed = TopKScan.ForUserRanking(model, reasons.Vector, 3, items);
            var contributions = new float[items.Length];
            foreach (var target in listed)
            {
                var w = Solve((double[,])a.Clone(), head.ItemVector(target.Item).ToArray().Select(v => (double)v).ToArray());
                reasons.Contributions(target.Item, contributions);
                var expected = new double[items.Length];
                for (var j = 0; j < items.Length; j++)
                {
                    var y = head.ItemVector(items[j]);
                    double dot = 0;
                    for (var f = 0; f < k; f++) dot += w[f] * y[f];
                    expected[j] = head.FeedbackOf(values[j]).Target * dot;
                }
                var scale = expected.Max(Math.Abs);
                for (var j = 0; j < items.Length; j++)
                    Assert.True(Math.Abs(contributions[j] - expected[j]) <= 1e-4 * scale, $"rated item {items[j]}: {contributions[j]} against {expected[j]}");
            }
        }
    }

    [Fact]
    public void Every_reason_is_one_of_the_users_rated_items_with_a_positive_contribution_largest_first()
    {
        var (ratings, model) = Trained.Value;
        foreach (var (items, values) in Users(ratings, step: 5))
        {
            var reasons = RankingReasons.For(model, items, values);
            var contributions = new float[items.Length];
            foreach (var listed in TopKScan.ForUserRanking(model, reasons.Vector, 10, items))
            {
                var explained = reasons.Explain(listed.Item);
                reasons.Contributions(listed.Item, contributions);

                Assert.InRange(explained.Top.Length, 1, 3);
                Assert.Equal(Math.Min(3, contributions.Count(c => c > 0)), explained.Top.Length);
                foreach (var reason in explained.Top)
                {
                    Assert.Contains(reason.Item, items);
                    Assert.True(reason.Contribution > 0);
                    Assert.Equal(reason.Contribution / explained.Score, reason.Share);
                    Assert.Equal(contributions[Array.IndexOf(items, reason.Item)], reason.Contribution);
                }
                for (var r = 1; r < explained.Top.Length; r++) Assert.True(explained.Top[r - 1].Contribution >= explained.Top[r].Contribution);
                // Nothing outside the top contributes more than the last reason given.
                var outside = contributions.Where((_, j) => explained.Top.All(t => t.Item != items[j]));
                Assert.All(outside, c => Assert.True(c <= explained.Top[^1].Contribution));
            }
        }
    }

    [Fact]
    public void Removing_the_top_reasons_rating_lowers_the_items_score_more_than_removing_any_rated_item_outside_the_top_three()
    {
        var (ratings, model) = Trained.Value;
        int cases = 0, held = 0;
        foreach (var (items, values) in Users(ratings, step: 13).Where(u => u.Items.Length is >= 15 and <= 120))
        {
            var reasons = RankingReasons.For(model, items, values);
            foreach (var listed in TopKScan.ForUserRanking(model, reasons.Vector, 5, items))
            {
                var explained = reasons.Explain(listed.Item);
                var top = explained.Top.Select(t => t.Item).ToArray();
                double DropWithout(int j)
                {
                    var without = FoldIn.SolveRanking(model, items.Where((_, at) => at != j).ToArray(), values.Where((_, at) => at != j).ToArray());
                    return listed.Score - model.Ranking!.ItemVector(listed.Item).ToArray().Zip(without, (y, x) => (double)y * x).Sum();
                }
                var topDrop = DropWithout(Array.IndexOf(items, top[0]));
                var largestOutside = Enumerable.Range(0, items.Length).Where(j => !top.Contains(items[j])).Max(DropWithout);
                cases++;
                if (topDrop > largestOutside) held++;
            }
        }

        var share = held / (double)cases;
        output.WriteLine($"the top reason's removal lowered the score more than any rated item's outside the top 3 in {held} of {cases} cases ({share:P1})");
        Assert.True(cases >= 50, $"only {cases} cases");
        Assert.True(share >= 0.8, $"{held} of {cases}");
    }

    [Fact]
    public void An_explicit_negative_contributes_nothing_and_is_never_a_reason()
    {
        var (ratings, _) = Trained.Value;
        var head = new RankingTrainer(Options with { NegativeThreshold = 2 }).Train(ratings);
        var model = TestData.RandomModel(ratings.UserCount, ratings.ItemCount, 3).WithRanking(head);
        var checkedNegatives = 0;
        foreach (var (items, values) in Users(ratings, step: 9))
        {
            var reasons = RankingReasons.For(model, items, values);
            var contributions = new float[items.Length];
            foreach (var listed in TopKScan.ForUserRanking(model, reasons.Vector, 10, items))
            {
                reasons.Contributions(listed.Item, contributions);
                for (var j = 0; j < items.Length; j++)
                    if (values[j] <= 2)
                    {
                        Assert.Equal(0f, contributions[j]);
                        checkedNegatives++;
                    }
                Assert.All(reasons.Explain(listed.Item).Top, r => Assert.True(values[Array.IndexOf(items, r.Item)] > 2));
            }
        }
        Assert.True(checkedNegatives > 0);
    }

    [Fact]
    public void No_item_has_reasons_when_nothing_the_user_rated_speaks_for_it()
    {
        var (ratings, _) = Trained.Value;
        var model = TestData.RandomModel(ratings.UserCount, ratings.ItemCount, 3)
            .WithRanking(new RankingTrainer(Options with { NegativeThreshold = 2 }).Train(ratings));
        // Every rating a dislike: the solve has no target, so every score is 0.
        var reasons = RankingReasons.For(model, [3, 17, 40], [1, 2, 1]);

        var explained = reasons.Explain(100);

        Assert.Equal(0f, explained.Score);
        Assert.Empty(explained.Top);
    }

    [Theory]
    [InlineData(15, 3)] // the defaults: conjugate-gradient rows
    [InlineData(5, 3)] // the large-data recipe's iterations: further from convergence
    [InlineData(4, 0)] // exact rows throughout
    public void A_trained_users_stored_row_is_the_solve_its_reasons_split_so_they_add_up_to_each_listed_items_score(int iterations, int steps)
    {
        var (ratings, _) = Trained.Value;
        var model = TestData.RandomModel(ratings.UserCount, ratings.ItemCount, 3)
            .WithRanking(new RankingTrainer(Options with { Iterations = iterations, ConjugateGradientSteps = steps }).Train(ratings));
        var head = model.Ranking!;
        var (start, rows) = PerUserSplit.GroupByUser(ratings);
        double worst = 0;
        var listed = 0;
        for (var u = 0; u < ratings.UserCount; u += 3)
        {
            var own = rows.AsSpan(start[u], start[u + 1] - start[u]).ToArray();
            var items = own.Select(r => ratings.Item[r]).ToArray();
            var reasons = RankingReasons.ForTrainedUser(model, items, own.Select(r => ratings.Value[r]).ToArray());
            var contributions = new float[items.Length];
            foreach (var top in TopKScan.ForUserRanking(model, u, 10, items))
            {
                var explained = reasons.Explain(top.Item, head.UserVector(u));
                reasons.Contributions(top.Item, contributions);
                var sum = contributions.Sum(c => (double)c);

                Assert.Equal(top.Score, explained.Score, 1e-6 * top.Score);
                var error = Math.Abs(sum - top.Score) / top.Score;
                worst = Math.Max(worst, error);
                Assert.True(error <= 1e-4, $"user {u}, item {top.Item}: contributions add up to {sum}, the stored row scores {top.Score}");
                Assert.True(Math.Abs(explained.Unexplained) <= 1e-4 * top.Score, $"unexplained {explained.Unexplained} of {top.Score}");
                listed++;
            }
        }
        output.WriteLine($"{listed} listed items; largest relative difference between the contributions' sum and the stored row's score: {worst:E2}");
    }

    [Fact]
    public void Items_appended_after_training_leave_a_trained_users_reasons_exact()
    {
        var (ratings, model) = Trained.Value;
        var head = model.Ranking!;
        // Ten untrained items appended, as ColdItems does: their rows change YᵀY, not the users' stored rows.
        var appended = new float[head.ItemFactors.Length + 10 * head.Factors];
        head.ItemFactors.CopyTo(appended, 0);
        var random = new Random(3);
        for (var f = head.ItemFactors.Length; f < appended.Length; f++) appended[f] = (float)(random.NextDouble() - 0.5);
        var overlay = TestData.RandomModel(ratings.UserCount, ratings.ItemCount + 10, 3)
            .WithRanking(new RankingHead(head.Factors, head.UserFactors, appended, head.Feedback, head.Regularization) { TrainedItems = head.ItemCount });
        var (start, rows) = PerUserSplit.GroupByUser(ratings);
        for (var u = 0; u < ratings.UserCount; u += 17)
        {
            var own = rows.AsSpan(start[u], start[u + 1] - start[u]).ToArray();
            var items = own.Select(r => ratings.Item[r]).ToArray();
            var reasons = RankingReasons.ForTrainedUser(overlay, items, own.Select(r => ratings.Value[r]).ToArray());
            foreach (var top in TopKScan.ForUserRanking(overlay, u, 10, items))
            {
                var explained = reasons.Explain(top.Item, overlay.Ranking!.UserVector(u));
                Assert.True(Math.Abs(explained.Unexplained) <= 1e-4 * top.Score, $"unexplained {explained.Unexplained} of {top.Score}");
            }
        }
    }

    private static IEnumerable<(int[] Items, float[] Values)> Users(RatingSet ratings, int step)
    {
        var (start, rows) = PerUserSplit.GroupByUser(ratings);
        for (var u = 0; u < ratings.UserCount; u += step)
        {
            var own = rows.AsSpan(start[u], start[u + 1] - start[u]).ToArray();
            if (own.Length == 0) continue;
            yield return (own.Select(r => ratings.Item[r]).ToArray(), own.Select(r => ratings.Value[r]).ToArray());
        }
    }

    /// <summary>Gaussian elimination with partial pivoting: the scalar reference, sharing nothing with the engine's Cholesky.</summary>
    private static double[] Solve(double[,] a, double[] b)
    {
        var n = b.Length;
        for (var c = 0; c < n; c++)
        {
            var pivot = c;
            for (var r = c + 1; r < n; r++) if (Math.Abs(a[r, c]) > Math.Abs(a[pivot, c])) pivot = r;
            for (var f = 0; f < n; f++) (a[c, f], a[pivot, f]) = (a[pivot, f], a[c, f]);
            (b[c], b[pivot]) = (b[pivot], b[c]);
            for (var r = c + 1; r < n; r++)
            {
                var m = a[r, c] / a[c, c];
                for (var f = c; f < n; f++) a[r, f] -= m * a[c, f];
                b[r] -= m * b[c];
            }
        }
        var x = new double[n];
        for (var r = n - 1; r >= 0; r--)
        {
            var sum = b[r];
            for (var f = r + 1; f < n; f++) sum -= a[r, f] * x[f];
            x[r] = sum / a[r, r];
        }
        return x;
    }
}
