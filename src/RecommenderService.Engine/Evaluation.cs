namespace RecommenderService.Engine;

/// <summary>
/// Scores a fitted <see cref="IRatingPredictor"/> on a test set: RMSE and MAE over every test rating, and
/// Precision/Recall/NDCG@K (conventions in <see cref="RankingMetrics"/>) over test users with relevant items,
/// ranking all items except those the user rated in training.
/// </summary>
/// <remarks>Train and test must share id maps (parts of one split), so indices mean the same thing in both.</remarks>
public static class Evaluation
{
    public static EvaluationResult Evaluate(IRatingPredictor predictor, RatingSet train, RatingSet test,
        EvaluationOptions? options = null, double seconds = 0)
    {
        options ??= new EvaluationOptions();
        var predicted = ErrorMetrics.Predictions(predictor, test);
        var rmse = ErrorMetrics.Rmse(predicted, test.Value);
        var mae = ErrorMetrics.Mae(predicted, test.Value);
        return new EvaluationResult(predictor.Name, rmse, mae, Ranking(predictor, train, test, options), seconds);
    }

    public static RankingScores Ranking(IRatingPredictor predictor, RatingSet train, RatingSet test, EvaluationOptions options)
    {
        var relevant = RankingMetrics.RelevantItems(test, options.RelevanceThreshold);
        var users = RankingUsers(relevant, options);
        var (start, rows) = PerUserSplit.GroupByUser(train);
        var itemCount = Math.Max(train.ItemCount, test.ItemCount);
        var ranked = new int[users.Length][];
        Parallel.For(0, users.Length, () => new float[itemCount], (x, _, scores) =>
        {
            var u = users[x];
            var excluded = new int[u < train.UserCount ? start[u + 1] - start[u] : 0];
            for (var e = 0; e < excluded.Length; e++) excluded[e] = train.Item[rows[start[u] + e]];
            predictor.ScoreItems(u, scores);
            var top = ItemRanking.Top(scores, options.K, excluded);
            ranked[x] = Array.ConvertAll(top, s => s.Item);
            return scores;
        }, _ => { });
        return RankingMetrics.Mean(users.Select((u, x) => (ranked[x], (IReadOnlySet<int>)relevant[u])), options.K);
    }

    private static int[] RankingUsers(HashSet<int>[] relevant, EvaluationOptions options)
    {
        var users = new List<int>();
        for (var u = 0; u < relevant.Length; u++)
            if (relevant[u].Count > 0) users.Add(u);
        if (options.MaxRankingUsers <= 0 || users.Count <= options.MaxRankingUsers) return users.ToArray();
        var pick = new NumpyRandomState(options.Seed).Permutation(users.Count).AsSpan(0, options.MaxRankingUsers).ToArray();
        Array.Sort(pick);
        return Array.ConvertAll(pick, x => users[x]);
    }

    /// <summary>
    /// How often "similar items" lead to what a user went on to choose: for every user with training and test ratings,
    /// one of their training items drawn at random (from <paramref name="seed"/>) gets its <paramref name="k"/> nearest
    /// neighbours by <see cref="ItemSimilarity"/>; a hit is any of the user's test items among them. Returns the hit
    /// fraction. <paramref name="useRanking"/> picks the ranking head's item factors instead of the rating head's.
    /// </summary>
    public static double SimilarItemHitRate(FactorModel model, RatingSet train, RatingSet test, bool useRanking, int k = 10, uint seed = 42)
    {
        ArgumentNullException.ThrowIfNull(model);
        var relevant = RankingMetrics.RelevantItems(test, null);
        var (start, rows) = PerUserSplit.GroupByUser(train);
        var random = new SeededRandom(seed);
        int users = 0, hits = 0;
        for (var u = 0; u < Math.Min(train.UserCount, relevant.Length); u++)
        {
            var own = start[u + 1] - start[u];
            if (own == 0 || relevant[u].Count == 0) continue;
            var item = train.Item[rows[start[u] + random.NextInt(own)]];
            users++;
            foreach (var neighbour in ItemSimilarity.MostSimilar(model, item, k, useRanking))
                if (relevant[u].Contains(neighbour.Item))
                {
                    hits++;
                    break;
                }
        }
        return users == 0 ? 0 : (double)hits / users;
    }
}
