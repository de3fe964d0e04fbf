namespace RecommenderService.Engine;

/// <summary>
/// How the service's popular lists are made (its <c>Popularity</c> section), so the quality gate and the newcomer judging
/// judge the lists that would be served: the prior count C of the damped mean and its recency window in whole UTC days
/// (0 = all time), the window of <see cref="PopularityList.RecentMostRated"/>, the half-life of
/// <see cref="PopularityList.Trending"/>, the newcomer list an operator pinned (null = the judged winner), and how many
/// raters an item needs to count at all (<see cref="PopularityCounts.WithMinimumRaters"/>; 1 = every rated item).
/// </summary>
public sealed record PopularitySettings(
    double PriorCount = PopularityPredictor.DefaultPriorCount, int WindowDays = 0, int RecentDays = PopularitySettings.DefaultRecentDays,
    double HalfLifeDays = PopularitySettings.DefaultHalfLifeDays, PopularityList? NewcomerList = null, int MinimumRaters = 1)
{
    public const int DefaultRecentDays = 30;
    public const double DefaultHalfLifeDays = 7;

    /// <summary>
    /// Trending counts the ratings of today and this many UTC days before it (older ones would weigh 2^(−365/H), nothing
    /// at any sensible half-life): the service's per-day statistics keep 366 days.
    /// </summary>
    public const int TrendingDays = 365;

    public const long Day = 86_400;

    /// <summary>
    /// The first second counted by the damped-mean list when made at <paramref name="now"/> (Unix seconds): the start of
    /// that UTC day minus <see cref="WindowDays"/> days, as the service's per-day statistics count; null for all time.
    /// </summary>
    public long? Since(long now) => WindowDays <= 0 ? null : DaysBack(now, WindowDays);

    /// <summary>The first second counted by <see cref="PopularityList.RecentMostRated"/> when made at <paramref name="now"/>.</summary>
    public long RecentSince(long now) => DaysBack(now, RecentDays);

    /// <summary>The start of the UTC day of <paramref name="now"/> minus <paramref name="days"/> days.</summary>
    public static long DaysBack(long now, int days) => StartOfDay(now) - days * Day;

    /// <summary>The start of the UTC day holding <paramref name="time"/> (Unix seconds).</summary>
    public static long StartOfDay(long time) => Math.DivRem(time, Day) is var (q, r) && r < 0 ? (q - 1) * Day : q * Day;

    /// <summary>What one rating dated <paramref name="time"/> adds to <see cref="PopularityList.Trending"/> at <paramref name="now"/>.</summary>
    public double TrendingWeight(long time, long now)
    {
        var age = (StartOfDay(now) - StartOfDay(time)) / Day;
        if (age > TrendingDays) return 0;
        return Math.Pow(2, -Math.Max(0, age) / HalfLifeDays);
    }

    /// <summary>Why these settings cannot make lists, or null when they can (the service validates on start).</summary>
    public string? Problem()
    {
        if (!(PriorCount >= 0) || double.IsInfinity(PriorCount)) return "The prior count must be zero or positive.";
        if (WindowDays is < 0 or > TrendingDays) return $"The window must be 0 to {TrendingDays} days.";
        if (RecentDays is < 0 or > TrendingDays) return $"The recent window must be 0 to {TrendingDays} days.";
        if (!(HalfLifeDays > 0) || double.IsInfinity(HalfLifeDays)) return "The trending half-life must be positive.";
        return null;
    }
}
