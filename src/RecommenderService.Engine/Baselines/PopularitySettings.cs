namespace RecommenderService.Engine;

/// <summary>
/// How the service's popular list is made (its <c>Popularity</c> section), so the quality gate judges the list that
/// would be served: the prior count C of the damped mean and a recency window in whole UTC days (0 = all time).
/// </summary>
public sealed record PopularitySettings(double PriorCount = PopularityPredictor.DefaultPriorCount, int WindowDays = 0)
{
    private const long Day = 86_400;

    /// <summary>
    /// The first second counted when the list is made at <paramref name="now"/> (Unix seconds): the start of that UTC
    /// day minus <see cref="WindowDays"/> days, as the service's per-day statistics count; null for all time.
    /// </summary>
    public long? Since(long now)
    {
        if (WindowDays <= 0) return null;
        var startOfDay = (long)Math.Floor(now / (double)Day) * Day;
        return startOfDay - WindowDays * Day;
    }
}
