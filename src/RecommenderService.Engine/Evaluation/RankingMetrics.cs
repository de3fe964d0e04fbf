namespace RecommenderService.Engine;

/// <summary>
/// Top-K ranking quality for one user and averaged over users.
/// </summary>
/// <remarks>
/// Conventions (the same everywhere in the service):
/// <list type="bullet">
/// <item>Input per user: the ranked recommendation list, best first, from which the items the user rated in
/// training have already been removed, and the set of the user's relevant test items.</item>
/// <item>Relevant: a test rating ≥ the threshold (default 4), or, for the per-user protocol, every held-out
/// item (<see cref="RelevantItems"/> with a null threshold).</item>
/// <item>Only the first K entries of the list count. A list shorter than K is not padded with hits.</item>
/// <item>Precision@K = hits in the top K / K (the denominator is K even when the list is shorter).</item>
/// <item>Recall@K = hits in the top K / number of relevant items.</item>
/// <item>NDCG@K: binary gains; DCG = Σ over hits at 1-based rank r ≤ K of 1 / log2(r + 1); IDCG is the DCG of
/// an ideal list, Σ_{r=1}^{min(K, |relevant|)} 1 / log2(r + 1); NDCG = DCG / IDCG.</item>
/// <item>Users with no relevant items are skipped (not counted as 0); the averages are plain means over
/// the remaining users.</item>
/// <item>Disliked@K = items of the top K that the user rated ≤ the disliked threshold in the test set / K, averaged
/// over every user with a test rating (a user who disliked nothing held out scores 0).</item>
/// </list>
/// </remarks>
public static class RankingMetrics
{
    public const float DefaultThreshold = 4f;

    public static double PrecisionAtK(ReadOnlySpan<int> ranked, IReadOnlySet<int> relevant, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        return (double)Hits(ranked, relevant, k) / k;
    }

    public static double RecallAtK(ReadOnlySpan<int> ranked, IReadOnlySet<int> relevant, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        return relevant.Count == 0 ? 0 : (double)Hits(ranked, relevant, k) / relevant.Count;
    }

    public static double NdcgAtK(ReadOnlySpan<int> ranked, IReadOnlySet<int> relevant, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (relevant.Count == 0) return 0;
        double dcg = 0;
        var top = Math.Min(k, ranked.Length);
        for (var r = 0; r < top; r++)
            if (relevant.Contains(ranked[r])) dcg += 1 / Math.Log2(r + 2);
        double ideal = 0;
        for (var r = 0; r < Math.Min(k, relevant.Count); r++) ideal += 1 / Math.Log2(r + 2);
        return dcg / ideal;
    }

    /// <summary>Means over the users whose relevant set is non-empty; see the class remarks.</summary>
    public static RankingScores Mean(IEnumerable<(int[] Ranked, IReadOnlySet<int> Relevant)> users, int k)
    {
        double precision = 0, recall = 0, ndcg = 0;
        var count = 0;
        foreach (var (ranked, relevant) in users)
        {
            if (relevant.Count == 0) continue;
            precision += PrecisionAtK(ranked, relevant, k);
            recall += RecallAtK(ranked, relevant, k);
            ndcg += NdcgAtK(ranked, relevant, k);
            count++;
        }
        return count == 0 ? new RankingScores(k, 0, 0, 0, 0) : new RankingScores(k, precision / count, recall / count, ndcg / count, count);
    }

    /// <summary>
    /// Each user's relevant test items: those rated ≥ <paramref name="threshold"/>, or every test item when
    /// the threshold is null. Users without test ratings get an empty set.
    /// </summary>
    public static HashSet<int>[] RelevantItems(RatingSet test, float? threshold = DefaultThreshold)
    {
        var sets = new HashSet<int>[test.UserCount];
        for (var u = 0; u < sets.Length; u++) sets[u] = [];
        for (var r = 0; r < test.Count; r++)
            if (threshold is null || test.Value[r] >= threshold) sets[test.User[r]].Add(test.Item[r]);
        return sets;
    }

    /// <summary>Each user's test items rated ≤ <paramref name="threshold"/>.</summary>
    public static HashSet<int>[] DislikedItems(RatingSet test, float threshold)
    {
        var sets = new HashSet<int>[test.UserCount];
        for (var u = 0; u < sets.Length; u++) sets[u] = [];
        for (var r = 0; r < test.Count; r++)
            if (test.Value[r] <= threshold) sets[test.User[r]].Add(test.Item[r]);
        return sets;
    }

    /// <summary>Disliked@K: items of the first K that are in <paramref name="disliked"/>, divided by K.</summary>
    public static double DislikedAtK(ReadOnlySpan<int> ranked, IReadOnlySet<int> disliked, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        return (double)Hits(ranked, disliked, k) / k;
    }

    private static int Hits(ReadOnlySpan<int> ranked, IReadOnlySet<int> relevant, int k)
    {
        var hits = 0;
        var top = Math.Min(k, ranked.Length);
        for (var r = 0; r < top; r++)
            if (relevant.Contains(ranked[r])) hits++;
        return hits;
    }
}
