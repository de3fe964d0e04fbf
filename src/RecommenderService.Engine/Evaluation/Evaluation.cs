namespace RecommenderService.Engine;

/// <summary>
/// Scores a fitted <see cref="IRatingPredictor"/> on a test set: RMSE and MAE over every test rating, and
/// Precision/Recall/NDCG@K (conventions in <see cref="RankingMetrics"/>) over test users with relevant items,
/// ranking all items except those the user rated in training; the same lists judged with every held-out item
/// relevant and with liked items relevant, and their disliked@K (<see cref="ListMetrics"/>).
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
        var (users, ranked) = RankedLists(predictor, train, test, options);
        return new EvaluationResult(predictor.Name, rmse, mae, Judge(users, ranked, test, options.RelevanceThreshold, options.K), seconds)
        {
            Lists = Judge(users, ranked, test, options),
        };
    }

    /// <summary>The lists judged by <see cref="EvaluationOptions.RelevanceThreshold"/>.</summary>
    public static RankingScores Ranking(IRatingPredictor predictor, RatingSet train, RatingSet test, EvaluationOptions options)
    {
        var (users, ranked) = RankedLists(predictor, train, test, options);
        return Judge(users, ranked, test, options.RelevanceThreshold, options.K);
    }

    /// <summary>The lists judged both ways, with their disliked@K (<see cref="ListMetrics"/>).</summary>
    public static ListMetrics Lists(IRatingPredictor predictor, RatingSet train, RatingSet test, EvaluationOptions options)
    {
        var (users, ranked) = RankedLists(predictor, train, test, options);
        return Judge(users, ranked, test, options);
    }

    private static RankingScores Judge(int[] users, int[][] ranked, RatingSet test, float? threshold, int k)
    {
        var relevant = RankingMetrics.RelevantItems(test, threshold);
        return RankingMetrics.Mean(users.Select((u, x) => (ranked[x], (IReadOnlySet<int>)relevant[u])), k);
    }

    private static ListMetrics Judge(int[] users, int[][] ranked, RatingSet test, EvaluationOptions options)
    {
        var liked = options.EffectiveLikedThreshold;
        var dislikedThreshold = options.EffectiveDislikedThreshold;
        var disliked = RankingMetrics.DislikedItems(test, dislikedThreshold);
        double share = 0;
        for (var x = 0; x < users.Length; x++) share += RankingMetrics.DislikedAtK(ranked[x], disliked[users[x]], options.K);
        return new ListMetrics(options.K, Judge(users, ranked, test, null, options.K), Judge(users, ranked, test, liked, options.K),
            users.Length == 0 ? 0 : share / users.Length, liked, dislikedThreshold);
    }

    /// <summary>Top-K lists of the evaluated users: those with a test rating, at most <see cref="EvaluationOptions.MaxRankingUsers"/>.</summary>
    private static (int[] Users, int[][] Ranked) RankedLists(IRatingPredictor predictor, RatingSet train, RatingSet test, EvaluationOptions options)
    {
        var candidates = RankingMetrics.RelevantItems(test, null);
        if (options.UsersWithTrainingOnly)
        {
            var trained = new bool[candidates.Length];
            foreach (var user in train.User) if (user < trained.Length) trained[user] = true;
            for (var u = 0; u < candidates.Length; u++) if (!trained[u]) candidates[u].Clear();
        }
        var users = RankingUsers(candidates, options);
        var (start, rows) = PerUserSplit.GroupByUser(train);
        var also = options.AlsoExcluded;
        var (alsoStart, alsoRows) = also is null ? (Array.Empty<int>(), Array.Empty<int>()) : PerUserSplit.GroupByUser(also);
        var itemCount = Math.Max(train.ItemCount, test.ItemCount);
        var ranked = new int[users.Length][];
        Parallel.For(0, users.Length, () => new float[itemCount], (x, _, scores) =>
        {
            var u = users[x];
            var own = u < train.UserCount ? start[u + 1] - start[u] : 0;
            var more = also is not null && u < also.UserCount ? alsoStart[u + 1] - alsoStart[u] : 0;
            var excluded = new int[own + more];
            for (var e = 0; e < own; e++) excluded[e] = train.Item[rows[start[u] + e]];
            for (var e = 0; e < more; e++) excluded[own + e] = also!.Item[alsoRows[alsoStart[u] + e]];
            predictor.ScoreItems(u, scores);
            var top = TopK.Of(scores, options.K, excluded);
            ranked[x] = Array.ConvertAll(top, s => s.Item);
            return scores;
        }, _ => { });
        return (users, ranked);
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
