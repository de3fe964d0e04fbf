namespace RecommenderService.Engine;

/// <summary>
/// Popularity lists: the damped (Bayesian) mean (C·μ + Σ ratings of i) / (C + n_i), whose prior count C pulls items with
/// few ratings towards the global mean μ so one 5-star rating does not top the list, and the other candidates for the
/// newcomer list (<see cref="PopularityList"/>), each one formula in <see cref="Score"/>.
/// </summary>
public static class Popularity
{
    /// <summary>z of a two-sided 95 % interval, for <see cref="WilsonLowerBound"/>.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>What a liked rating adds on top of counting as a rating in <see cref="PopularityList.LikedBoosted"/>.</summary>
    public const double LikedBoost = 0.5;

    /// <summary>
    /// The lower end of the Wilson score interval of a share <paramref name="liked"/>/<paramref name="count"/> (E. B. Wilson,
    /// 1927): (p̂ + z²/2n − z·√(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n); 0 without ratings or likes.
    /// </summary>
    public static double WilsonLowerBound(int liked, int count, double z = Z95)
    {
        // Exactly 0 without likes: the formula's two terms cancel only up to rounding, which would order items by noise.
        if (count <= 0 || liked <= 0) return 0;
        var n = (double)count;
        var share = liked / n;
        var z2 = z * z;
        var bound = (share + z2 / (2 * n) - z * Math.Sqrt(share * (1 - share) / n + z2 / (4 * n * n))) / (1 + z2 / n);
        return Math.Max(0, bound);
    }

    /// <summary>
    /// Item <paramref name="item"/>'s score in <paramref name="list"/> (higher first): n; the damped mean of its window;
    /// ratings in the recent window; liked ratings; n + ½·liked; the Wilson lower bound of the liked share; Σ 2^(−age/H).
    /// </summary>
    public static double Score(PopularityList list, PopularityCounts counts, int item, double priorCount) => list switch
    {
        PopularityList.MostRated => counts.Counts[item],
        PopularityList.DampedMean => DampedMean(counts.WindowSums[item], counts.WindowCounts[item], counts.WindowMean, priorCount),
        PopularityList.RecentMostRated => counts.RecentCounts[item],
        PopularityList.LikedCount => counts.Liked[item],
        PopularityList.LikedBoosted => counts.Counts[item] + LikedBoost * counts.Liked[item],
        PopularityList.LikedLowerBound => WilsonLowerBound(counts.Liked[item], counts.Counts[item]),
        PopularityList.Trending => counts.Trending[item],
        _ => throw new ArgumentOutOfRangeException(nameof(list), list, "Not a popularity list."),
    };

    /// <summary>
    /// The <paramref name="count"/> best items of <paramref name="list"/>, best first, skipping <paramref name="excluded"/>
    /// (unsorted, unknown indices ignored). The damped mean is ranked exactly as
    /// <see cref="Rank(ReadOnlySpan{int}, ReadOnlySpan{double}, double, double, int, ReadOnlySpan{int})"/> over its window;
    /// every other list holds each item with a rating, equal scores going to the item with more ratings (all time), then
    /// to the lower index, so a list whose measure runs out (nothing recent, nothing liked) goes on as the most-rated list.
    /// </summary>
    public static ScoredItem[] Rank(PopularityList list, PopularityCounts counts, double priorCount, int count, ReadOnlySpan<int> excluded)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (list == PopularityList.DampedMean)
            return Rank(counts.WindowCounts, counts.WindowSums, counts.WindowMean, priorCount, count, excluded);
        if (count <= 0 || counts.ItemCount == 0) return [];
        var items = counts.ItemCount;
        var scores = new double[items];
        var candidates = new List<int>(items);
        var skip = TopK.RentExclusions(excluded, items, out _);
        try
        {
            for (var i = 0; i < items; i++)
            {
                if (counts.Counts[i] <= 0 || TopK.IsExcluded(skip, i)) continue;
                scores[i] = Score(list, counts, i, priorCount);
                candidates.Add(i);
            }
        }
        finally
        {
            TopK.Return(skip);
        }
        var ratingCounts = counts.Counts;
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
