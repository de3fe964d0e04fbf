namespace RecommenderService.Engine;

/// <summary>
/// Cold-start ranking by damped (Bayesian) mean: (C·μ + Σ ratings of i) / (C + n_i). The prior count C pulls
/// items with few ratings towards the global mean μ, so one 5-star rating does not top the list.
/// </summary>
public static class Popularity
{
    /// <summary>
    /// The <paramref name="count"/> items with the highest damped mean, best first, ties broken by the lower index,
    /// from per-item rating counts and sums (e.g. SQL aggregates). Items in <paramref name="excluded"/> (unsorted,
    /// unknown indices ignored) are skipped, as are items that have no score (no ratings and C = 0).
    /// </summary>
    public static ScoredItem[] Rank(ReadOnlySpan<int> counts, ReadOnlySpan<double> sums, double globalMean, double priorCount,
        int count, ReadOnlySpan<int> excluded)
    {
        if (counts.Length != sums.Length)
            throw new ArgumentException($"{counts.Length} counts but {sums.Length} sums.", nameof(sums));
        if (!(priorCount >= 0) || double.IsInfinity(priorCount))
            throw new ArgumentOutOfRangeException(nameof(priorCount), priorCount, "The prior count must be zero or positive.");
        if (count <= 0 || counts.IsEmpty) return [];

        var items = counts.Length;
        var top = new TopK(Math.Min(count, items));
        var skip = TopK.RentExclusions(excluded, items, out _);
        try
        {
            var prior = priorCount * globalMean;
            for (var i = 0; i < items; i++)
            {
                var weight = priorCount + counts[i];
                if (weight <= 0 || TopK.IsExcluded(skip, i)) continue;
                top.Offer(i, (float)((prior + sums[i]) / weight));
            }
        }
        finally
        {
            TopK.Return(skip);
        }
        return top.ToSortedArray();
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
