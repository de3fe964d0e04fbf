using Cronos;

namespace RecommenderService.Api.Model.Training;

/// <summary>
/// The longest gap between two occurrences of a cron schedule, so "twice the retrain interval" means the
/// same thing for <c>0 * * * *</c> as for <c>0 3 * * 1-5</c> (a weekend gap).
/// </summary>
public static class CronInterval
{
    /// <summary>Looks at the occurrences of the next 400 days (a monthly schedule included).</summary>
    public static TimeSpan LongestGap(string cron)
    {
        var fields = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        var expression = CronExpression.Parse(cron, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        var from = new DateTime(2026, 1, 5, 0, 0, 0, DateTimeKind.Utc);
        var longest = TimeSpan.Zero;
        DateTime? previous = null;
        var count = 0;
        foreach (var next in expression.GetOccurrences(from, from.AddDays(400)))
        {
            if (previous is { } p && next - p > longest) longest = next - p;
            previous = next;
            if (++count > 100_000) break; // every-second schedules: the first gaps tell enough
        }
        return longest;
    }
}
