namespace RecommenderService.Engine.Tests;

/// <summary>
/// <see cref="BoundedListScan"/> against the full scan it replaces (<see cref="ListScore.TopByFullScan"/>): the same
/// items, order and scores to the bit, on generated models of every shape the service serves.
/// </summary>
public sealed class BoundedListScanTests
{
    /// <summary>A random model: factors spread around zero so ranking scores fall on both sides of it.</summary>
    private static FactorModel RandomModel(int seed, int items, int k, int h, RatingScale scale, int duplicates = 0, float spread = 1f)
    {
        var random = new Random(seed);
        float[] Values(int n, float width)
        {
            var values = new float[n];
            for (var j = 0; j < n; j++) values[j] = (float)(random.NextDouble() - 0.5) * width;
            return values;
        }
        var users = 5;
        var itemFactors = Values(items * k, spread);
        var rankingItems = Values(items * h, spread);
        var itemBias = Values(items, 2f);
        // Ties: some items are exact copies of others in both heads (same ranking score, same rating), so only the
        // lower index decides between them.
        for (var d = 0; d < duplicates; d++)
        {
            var (from, to) = (random.Next(items), random.Next(items));
            Array.Copy(itemFactors, from * k, itemFactors, to * k, k);
            Array.Copy(rankingItems, from * h, rankingItems, to * h, h);
            itemBias[to] = itemBias[from];
        }
        var mean = (scale.Min + scale.Max) / 2f;
        return new FactorModel(new IdMap(Enumerable.Range(0, users).Select(u => $"u{u}")), new IdMap(Enumerable.Range(0, items).Select(i => $"i{i}")),
                k, mean, Values(users, 2f), itemBias, Values(users * k, spread * 3), itemFactors, scale)
            .WithRanking(new RankingHead(h, Values(users * h, spread * 3), rankingItems, 0.25f, ConfidenceWeighting.Rating, 20f));
    }

    private static void AssertSame(ListScore score, FactorModel model, ReadOnlySpan<float> vector, float bias, ReadOnlySpan<float> ranking, int count,
        int[] excluded, string what)
    {
        var expected = score.TopByFullScan(model, vector, bias, ranking, count, excluded);
        foreach (var pass in new[] { BoundedListScan.FirstPass.Quantized, BoundedListScan.FirstPass.Exact })
        {
            var actual = BoundedListScan.Top(score, model, vector, bias, ranking, count, excluded, pass, out _);
            Assert.True(expected.Length == actual.Length, $"{what}, {pass}: {actual.Length} items, expected {expected.Length}");
            for (var j = 0; j < expected.Length; j++)
                Assert.True(expected[j] == actual[j], $"{what}, {pass}: position {j} is {actual[j]}, expected {expected[j]}");
        }
    }

    public static TheoryData<int, int, int, int, int> Shapes => new()
    {
        // seed, items, k (rating head), h (ranking head), duplicates; k = 7 and h = 5 take the scalar dot, 16 and 64 the SIMD ones.
        { 1, 1000, 64, 64, 0 },
        { 2, 2000, 16, 64, 200 },
        { 3, 777, 7, 5, 50 },
        { 4, 300, 0, 16, 30 },
        { 5, 5000, 32, 16, 1000 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Known_users_get_the_full_scans_list_for_every_length_and_exclusion(int seed, int items, int k, int h, int duplicates)
    {
        foreach (var scale in new[] { RatingScale.OneToFive, new RatingScale(0, 10) })
        {
            var model = RandomModel(seed, items, k, h, scale, duplicates);
            var random = new Random(seed);
            foreach (var score in new[] { ListScore.Default, new ListScore { Sharpness = 2f, Threshold = 4f }, new ListScore { Sharpness = 0.05f }, new ListScore { Sharpness = -1f } })
                for (var user = 0; user < model.Users.Count; user++)
                    foreach (var count in new[] { 1, 10, 100, items - 1, items, items + 5 })
                    {
                        // No exclusions; a user's rated items (unsorted, with duplicates and unknown indices); most of the
                        // catalogue (a narrow filter leaves few items, so the list is shorter than asked).
                        int[][] exclusions =
                        [
                            [],
                            [.. Enumerable.Range(0, 60).Select(_ => random.Next(-5, items + 5)), 0, 0],
                            [.. Enumerable.Range(0, items).Where(i => i % 17 != 3)],
                        ];
                        foreach (var excluded in exclusions)
                            AssertSame(score, model, model.UserVector(user), model.UserBias[user], model.Ranking!.UserVector(user), count, excluded,
                                $"scale {scale}, β {score.Sharpness}, user {user}, count {count}, {excluded.Length} excluded");
                    }
        }
    }

    [Fact]
    public void Every_item_with_the_same_ranking_score_and_rating_ties_and_goes_by_index()
    {
        // All items identical: every score ties, so the list is the lowest indices that are not excluded.
        var model = new FactorModel(new IdMap(["u"]), new IdMap(Enumerable.Range(0, 600).Select(i => $"i{i}")), 16, 3f, [0f], new float[600],
                Enumerable.Repeat(0.1f, 16).ToArray(), Enumerable.Repeat(0.2f, 600 * 16).ToArray(), RatingScale.OneToFive)
            .WithRanking(new RankingHead(16, Enumerable.Repeat(0.3f, 16).ToArray(), Enumerable.Repeat(-0.1f, 600 * 16).ToArray(), 0.25f,
                ConfidenceWeighting.Rating, 20f));
        var list = BoundedListScan.Top(ListScore.Default, model, model.UserVector(0), 0, model.Ranking!.UserVector(0), 10, [0, 2, 300]);

        Assert.Equal([1, 3, 4, 5, 6, 7, 8, 9, 10, 11], list.Select(s => s.Item));
        AssertSame(ListScore.Default, model, model.UserVector(0), 0, model.Ranking!.UserVector(0), 10, [0, 2, 300], "all tied");
    }

    [Fact]
    public void Folded_in_users_get_the_full_scans_list()
    {
        var model = RandomModel(11, 3000, 32, 32, RatingScale.OneToFive, duplicates: 100);
        var random = new Random(11);
        for (var trial = 0; trial < 20; trial++)
        {
            var rated = Enumerable.Range(0, 3000).OrderBy(_ => random.Next()).Take(random.Next(1, 80)).ToArray();
            var values = rated.Select(_ => (float)random.Next(1, 6)).ToArray();
            var folded = FoldIn.Solve(model, rated, values, 0.05f * rated.Length);
            var ranking = FoldIn.SolveRanking(model, rated, values);
            AssertSame(ListScore.Default, model, folded.Factors, folded.Bias, ranking, 10, rated, $"trial {trial}");
            AssertSame(ListScore.Default, model, folded.Factors, folded.Bias, ranking, 250, rated, $"trial {trial}, 250");
        }
    }

    [Fact]
    public void Cold_items_served_from_their_attributes_are_listed_as_the_full_scan_lists_them()
    {
        var model = RandomModel(21, 400, 16, 16, RatingScale.OneToFive);
        var random = new Random(21);
        string[] tags = ["a", "b", "c", "d", "e"];
        string[] Tags() => tags.Where(_ => random.Next(2) == 0).DefaultIfEmpty("a").ToArray();
        var attributes = Enumerable.Range(0, 400).Select(_ => Tags()).ToArray();
        model = model.WithAttributeMap(AttributeFactors.Fit(model, i => attributes[i], regularization: 0.1f));
        var served = ColdItems.Append(model, Enumerable.Range(0, 300).Select(c => new KeyValuePair<string, string[]>($"cold{c}", Tags())));
        Assert.Equal(700, served.Items.Count);

        for (var user = 0; user < served.Users.Count; user++)
            foreach (var count in new[] { 10, 100, 700 })
                AssertSame(ListScore.Default, served, served.UserVector(user), served.UserBias[user], served.Ranking!.UserVector(user), count,
                    [5, 450, 699], $"user {user}, count {count}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Most_items_never_need_the_rating_head(bool quantized)
    {
        var pass = quantized ? BoundedListScan.FirstPass.Quantized : BoundedListScan.FirstPass.Exact;
        // The point of the bound: on a 20,000-item model a 10-item list scores a small share of the catalogue in both heads.
        var model = RandomModel(31, 20_000, 64, 64, RatingScale.OneToFive, spread: 0.5f);
        BoundedListScan.Top(ListScore.Default, model, model.UserVector(0), model.UserBias[0], model.Ranking!.UserVector(0), 10, [], pass, out var scored);

        Assert.InRange(scored, 10, 2000);
    }

    [Fact]
    public void Items_closer_than_the_8_bit_error_are_told_apart_in_fp32()
    {
        // 4,000 copies of one ranking vector with noise far below an 8-bit step, identical in the rating head: the list is
        // decided by differences the first pass cannot see, so only a sound bound (both error terms) keeps the right items.
        var random = new Random(61);
        const int items = 4000, h = 32, k = 8;
        var baseline = Enumerable.Range(0, h).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var ranking = new float[items * h];
        for (var i = 0; i < items; i++)
            for (var j = 0; j < h; j++)
                ranking[i * h + j] = baseline[j] * (1 + (float)(random.NextDouble() - 0.5) * 2e-3f);
        var model = new FactorModel(new IdMap(["u"]), new IdMap(Enumerable.Range(0, items).Select(i => $"i{i}")), k, 3f, [0f], new float[items],
                Enumerable.Repeat(0.1f, k).ToArray(), Enumerable.Repeat(0.2f, items * k).ToArray(), RatingScale.OneToFive)
            .WithRanking(new RankingHead(h, baseline.Select(v => v + (float)(random.NextDouble() - 0.5) * 0.3f).ToArray(), ranking, 0.25f,
                ConfidenceWeighting.Rating, 20f));

        foreach (var count in new[] { 1, 10, 100 })
            AssertSame(ListScore.Default, model, model.UserVector(0), 0, model.Ranking!.UserVector(0), count, [], $"count {count}");
    }

    [Fact]
    public void Ranking_vectors_without_a_usable_norm_get_the_full_scans_list()
    {
        // Zero, so tiny its squares underflow, and huge enough to overflow the norm: the 8-bit pass's bound needs ‖p‖.
        var model = RandomModel(51, 700, 16, 16, RatingScale.OneToFive, duplicates: 20);
        foreach (var factor in new[] { 0f, 1e-25f, 1e30f })
        {
            var ranking = model.Ranking!.UserVector(1).ToArray().Select(v => v * factor).ToArray();
            AssertSame(ListScore.Default, model, model.UserVector(1), model.UserBias[1], ranking, 20, [4], $"p × {factor}");
        }
    }

    [Fact]
    public void NaN_factors_are_left_out_as_the_full_scan_leaves_them()
    {
        var model = RandomModel(41, 500, 16, 16, RatingScale.OneToFive);
        model.Ranking!.ItemFactors[3 * 16] = float.NaN; // a NaN ranking score
        model.ItemFactors[7 * 16] = float.NaN; // a NaN rating
        model.Ranking!.ItemFactors[9 * 16] = float.PositiveInfinity;
        for (var user = 0; user < model.Users.Count; user++)
        {
            AssertSame(ListScore.Default, model, model.UserVector(user), model.UserBias[user], model.Ranking.UserVector(user), 500, [],
                $"user {user}");
            var list = BoundedListScan.Top(ListScore.Default, model, model.UserVector(user), model.UserBias[user], model.Ranking.UserVector(user), 500, []);
            Assert.DoesNotContain(list, s => s.Item == 3 || s.Item == 7);
        }
    }
}
