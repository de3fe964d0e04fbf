namespace RecommenderService.Engine;

/// <summary>
/// Per-item aggregates every popularity list is ranked from (<see cref="Popularity.Rank(PopularityList, PopularityCounts, double, int, ReadOnlySpan{int})"/>),
/// one entry per item index: the engine counts them from ratings, the service reads them from its per-item statistics.
/// </summary>
/// <param name="Counts">Ratings of the item, all time.</param>
/// <param name="Liked">Ratings at or above the liked threshold, all time.</param>
/// <param name="WindowCounts">Ratings the damped mean counts (its window, or all time).</param>
/// <param name="WindowSums">Their sum.</param>
/// <param name="WindowMean">μ of the damped mean: the mean of every rating it counts (0 when none).</param>
/// <param name="RecentCounts">Ratings in the recent window (<see cref="PopularitySettings.RecentSince"/>).</param>
/// <param name="Trending">Σ of <see cref="PopularitySettings.TrendingWeight"/> over the item's ratings.</param>
public sealed record PopularityCounts(int[] Counts, int[] Liked, int[] WindowCounts, double[] WindowSums, double WindowMean,
    int[] RecentCounts, double[] Trending)
{
    public int ItemCount => Counts.Length;

    /// <summary>The sum of the item's ratings, all time (no list ranks by it; shown beside the lists). Null when not kept.</summary>
    public double[]? AllTimeSums { get; init; }

    /// <summary>
    /// The aggregates of <paramref name="ratings"/> for lists made at <paramref name="now"/> (Unix seconds; a training
    /// takes its newest rating) under <paramref name="settings"/>, a rating ≥ <paramref name="likedThreshold"/> being liked.
    /// Windows and decay need <see cref="RatingSet.Time"/> unless every window is all time.
    /// </summary>
    public static PopularityCounts Of(RatingSet ratings, PopularitySettings settings, float likedThreshold, long now)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        ArgumentNullException.ThrowIfNull(settings);
        var items = ratings.ItemCount;
        var counts = new int[items];
        var liked = new int[items];
        var windowCounts = new int[items];
        var windowSums = new double[items];
        var sums = new double[items];
        var recent = new int[items];
        var trending = new double[items];
        var since = settings.Since(now);
        var recentSince = settings.RecentSince(now);
        var timed = ratings.HasTimes;
        // One weight per age in days, so the pass over the ratings costs no power per rating.
        var today = PopularitySettings.StartOfDay(now);
        var decay = new double[PopularitySettings.TrendingDays + 1];
        for (var age = 0; age < decay.Length; age++) decay[age] = settings.TrendingWeight(today - age * PopularitySettings.Day, now);
        double total = 0;
        long counted = 0;
        for (var r = 0; r < ratings.Count; r++)
        {
            var item = ratings.Item[r];
            var value = ratings.Value[r];
            var time = timed ? ratings.Time[r] : now;
            counts[item]++;
            sums[item] += value;
            if (value >= likedThreshold) liked[item]++;
            if (since is null || time >= since)
            {
                windowCounts[item]++;
                windowSums[item] += value;
                total += value;
                counted++;
            }
            if (time >= recentSince) recent[item]++;
            var days = (today - PopularitySettings.StartOfDay(time)) / PopularitySettings.Day;
            if (days <= PopularitySettings.TrendingDays) trending[item] += decay[Math.Max(0, days)];
        }
        return new PopularityCounts(counts, liked, windowCounts, windowSums, counted == 0 ? 0 : total / counted, recent, trending)
        {
            AllTimeSums = sums,
        }.WithMinimumRaters(settings.MinimumRaters);
    }

    /// <summary>
    /// The figures lists are ranked from: items with fewer than <paramref name="minimumRaters"/> raters (a user rates an
    /// item once) count as unrated, so one user's ratings can neither enter a list nor move its prior.
    /// </summary>
    public PopularityCounts WithMinimumRaters(int minimumRaters)
    {
        if (minimumRaters <= 1) return this;
        var n = ItemCount;
        int[] all = new int[n], liked = new int[n], window = new int[n], recent = new int[n];
        double[] windowSums = new double[n], trending = new double[n];
        double total = 0;
        long counted = 0;
        for (var i = 0; i < n; i++)
        {
            if (Counts[i] < minimumRaters) continue;
            all[i] = Counts[i];
            liked[i] = Liked[i];
            window[i] = WindowCounts[i];
            windowSums[i] = WindowSums[i];
            recent[i] = RecentCounts[i];
            trending[i] = Trending[i];
            total += windowSums[i];
            counted += window[i];
        }
        return new PopularityCounts(all, liked, window, windowSums, counted == 0 ? 0 : total / counted, recent, trending)
        {
            AllTimeSums = AllTimeSums,
        };
    }
}
