namespace RecommenderService.Engine;

/// <summary>
/// Cold-start ranking by damped (Bayesian) mean: (C·μ + Σ ratings of i) / (C + n_i). The prior count C pulls
/// items with few ratings towards the global mean μ, so one 5-star rating does not top the list.
/// </summary>
public static class Popularity
{
    /// <summary>
    /// (C·μ + Σr) / (C + n): the one formula behind the popular list, popularity predictions and the list the quality
    /// gate judges as popularity.
    /// </summary>
    public static double DampedMean(double sum, int count, double globalMean, double priorCount) =>
        (priorCount * globalMean + sum) / (priorCount + count);

    /// <summary>
    /// The <paramref name="count"/> items with the highest damped mean, best first, from per-item rating counts and sums
    /// (e.g. SQL aggregates); equal damped means go to the item with more ratings, then to the lower index. Items in
    /// <paramref name="excluded"/> (unsorted, unknown indices ignored) are skipped, as are items without ratings (the
    /// service's statistics hold none, and with C = 0 they have no score).
    /// </summary>
    /// <remarks>
    /// Why the tie-break: where every rating is alike (likes imported as 5 stars) every damped mean is the same, and the
    /// list would otherwise come in id order; more ratings is then what "popular" means.
    /// </remarks>
    public static ScoredItem[] Rank(ReadOnlySpan<int> counts, ReadOnlySpan<double> sums, double globalMean, double priorCount,
        int count, ReadOnlySpan<int> excluded)
    {
        if (counts.Length != sums.Length)
            throw new ArgumentException($"{counts.Length} counts but {sums.Length} sums.", nameof(sums));
        if (!(priorCount >= 0) || double.IsInfinity(priorCount))
            throw new ArgumentOutOfRangeException(nameof(priorCount), priorCount, "The prior count must be zero or positive.");
        if (count <= 0 || counts.IsEmpty) return [];

        var items = counts.Length;
        var scores = new double[items];
        var ratingCounts = counts.ToArray();
        var candidates = new List<int>(items);
        var skip = TopK.RentExclusions(excluded, items, out _);
        try
        {
            for (var i = 0; i < items; i++)
            {
                if (counts[i] <= 0 || TopK.IsExcluded(skip, i)) continue;
                scores[i] = DampedMean(sums[i], counts[i], globalMean, priorCount);
                candidates.Add(i);
            }
        }
        finally
        {
            TopK.Return(skip);
        }
        candidates.Sort((a, b) =>
        {
            var byScore = scores[b].CompareTo(scores[a]);
            if (byScore != 0) return byScore;
            var byCount = ratingCounts[b].CompareTo(ratingCounts[a]);
            return byCount != 0 ? byCount : a.CompareTo(b);
        });
        var top = new ScoredItem[Math.Min(count, candidates.Count)];
        for (var k = 0; k < top.Length; k++) top[k] = new ScoredItem(candidates[k], (float)scores[candidates[k]]);
        return top;
    }

    /// <summary>
    /// <see cref="Rank(ReadOnlySpan{int}, ReadOnlySpan{double}, double, double, int, ReadOnlySpan{int})"/> over
    /// <paramref name="ratings"/>, optionally only those with <see cref="RatingSet.Time"/> ≥ <paramref name="since"/>
    /// (a recency window: what is popular now); μ is the mean of the ratings counted.
    /// </summary>
    public static ScoredItem[] Rank(RatingSet ratings, double priorCount, int count, ReadOnlySpan<int> excluded, long? since = null)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        if (since is not null) ratings.RequireTimes("Popularity since a time");
        var counts = new int[ratings.ItemCount];
        var sums = new double[ratings.ItemCount];
        double total = 0;
        long n = 0;
        for (var r = 0; r < ratings.Count; r++)
        {
            if (since is long from && ratings.Time[r] < from) continue;
            var item = ratings.Item[r];
            counts[item]++;
            sums[item] += ratings.Value[r];
            total += ratings.Value[r];
            n++;
        }
        return Rank(counts, sums, n == 0 ? 0 : total / n, priorCount, count, excluded);
    }
}
