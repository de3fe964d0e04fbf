namespace RecommenderService.Engine.Tests;

public sealed class AttributeFactorsTests
{
    [Fact]
    public void The_regression_recovers_vectors_that_are_a_sum_of_attribute_effects()
    {
        // Item vectors = intercept + one effect per attribute: "a" adds (1, 0.5), "b" adds (−0.5, 0.25); bias likewise.
        string[][] attributes = [["a"], ["b"], ["a", "b"], [], ["a"], ["b"], ["a", "b"], []];
        var bias = attributes.Select(a => 0.2f + (a.Contains("a") ? 0.5f : 0) + (a.Contains("b") ? -0.3f : 0)).ToArray();
        var factors = attributes.SelectMany(a => new[]
        {
            0.1f + (a.Contains("a") ? 1f : 0) + (a.Contains("b") ? -0.5f : 0),
            -0.1f + (a.Contains("a") ? 0.5f : 0) + (a.Contains("b") ? 0.25f : 0),
        }).ToArray();
        var model = new FactorModel(new IdMap(["u"]), new IdMap(Enumerable.Range(0, 8).Select(i => $"i{i}")), 2, 3.5f, [0f], bias,
            [1f, 1f], factors, RatingScale.OneToFive);

        var fitted = AttributeFactors.Fit(model, i => attributes[i], regularization: 1e-4f);

        Assert.Equal(["a", "b"], fitted.Attributes);
        var (b, q, y) = fitted.Derive(["a", "b", "unknown"]);
        Assert.Equal(0.4f, b, 3);
        Assert.Equal([0.6f, 0.65f], q.Select(v => MathF.Round(v, 3)));
        Assert.Empty(y);
        Assert.Equal(0.2f, fitted.Derive([]).Bias, 3);
    }

    /// <summary>Users and items with planted tastes; an item's vector is its genre's plus a little of its own.</summary>
    private static (RatingSet Ratings, string[] Genre) GenreRatings()
    {
        var random = new Random(5);
        const int users = 300, items = 120, genres = 6, rank = 3;
        var genreVector = Enumerable.Range(0, genres * rank).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var genreBias = Enumerable.Range(0, genres).Select(_ => random.NextDouble() - 0.5).ToArray();
        var genre = Enumerable.Range(0, items).Select(i => i % genres).ToArray();
        var user = Enumerable.Range(0, users * rank).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var b = new RatingSetBuilder();
        for (var u = 0; u < users; u++)
            for (var i = 0; i < items; i++)
            {
                double dot = 0;
                for (var f = 0; f < rank; f++) dot += user[u * rank + f] * (genreVector[genre[i] * rank + f] + 0.2 * (random.NextDouble() - 0.5));
                // People mostly rate what they chose, and choose to their taste.
                if (random.NextDouble() > 0.5 / (1 + Math.Exp(-6 * dot))) continue;
                b.Add($"u{u}", $"i{i}", (float)Math.Clamp(Math.Round(3.3 + genreBias[genre[i]] + 1.2 * dot + 0.4 * (random.NextDouble() - 0.5)), 1, 5));
            }
        var ratings = b.Build();
        return (ratings, Enumerable.Range(0, ratings.ItemCount).Select(i => $"g{int.Parse(ratings.Items[i][1..]) % genres}").ToArray());
    }

    [Fact]
    public void Items_held_out_entirely_are_predicted_better_than_the_users_mean_and_listed_far_above_chance()
    {
        var (ratings, genre) = GenreRatings();
        var ((train, test), cold) = ColdItemEvaluation.SplitItems(ratings, 0.2, seed: 3);
        Assert.Equal(24, cold.Length);
        Assert.All(test.Item, i => Assert.Contains(i, cold));
        Assert.DoesNotContain(train.Item, cold.Contains);
        var model = new SgdTrainer(new TrainingOptions { Factors = 4, Epochs = 30, Threads = 1 }).Train(train).Model
            .WithRanking(new RankingTrainer(new RankingOptions { Factors = 4, Iterations = 8, Threads = 1 }).Train(train));

        var scores = ColdItemEvaluation.Evaluate(model, train, test, cold, i => [genre[i]],
            new EvaluationOptions { K = 5, MaxRankingUsers = 0 });

        Assert.True(scores.Rmse < scores.UserMeanRmse - 0.05, $"attributes {scores.Rmse:F3}, user's mean {scores.UserMeanRmse:F3}");
        Assert.True(scores.Lists.Rated.Precision > 1.3 * scores.ChancePrecision,
            $"P@5 {scores.Lists.Rated.Precision:F3}, chance {scores.ChancePrecision:F3}");
        Assert.True(scores.Lists.Liked.Precision > 1.3 * scores.ChanceLikedPrecision,
            $"liked P@5 {scores.Lists.Liked.Precision:F3}, chance {scores.ChanceLikedPrecision:F3}");
    }

    [Fact]
    public void Attribute_files_read_tab_separated_lists_and_movielens_genre_flags()
    {
        using var dir = new TempDirectory();
        var plain = dir.Write("attributes.tsv", "i1\tgenre:Comedy|year:1995\ni2\t\n");
        var flags = string.Join("|", Enumerable.Repeat("0", 19).Select((f, g) => g is 1 or 5 ? "1" : f));
        var movielens = dir.Write("u.item", $"7|Title (1995)|01-Jan-1995||http://example.org|{flags}\n");

        var read = ItemAttributeFile.Read(plain);
        Assert.Equal(["genre:Comedy", "year:1995"], read["i1"]);
        Assert.Empty(read["i2"]);
        Assert.Equal(["genre:Action", "genre:Comedy"], ItemAttributeFile.Read(movielens)["7"]);
        Assert.Throws<RatingFileException>(() => ItemAttributeFile.Read(dir.Write("bad", "no separators here\n")));
    }

    [Fact]
    public void The_ranking_heads_penalty_scales_with_ratings_per_item_unless_fixed()
    {
        var ratings = TestData.LowRank(40, 20, 0.5);
        var scaled = new RankingTrainer(new RankingOptions { Factors = 2, Iterations = 1, Threads = 1 }).Train(ratings);
        Assert.Equal(0.45f * ratings.Count / ratings.ItemCount, scaled.Regularization, 4);
        var fixedHead = new RankingTrainer(new RankingOptions { Factors = 2, Iterations = 1, Threads = 1, Regularization = 3, RegularizationPerItemRating = null })
            .Train(ratings);
        Assert.Equal(3f, fixedHead.Regularization);
    }
}
