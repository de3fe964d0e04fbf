using RecommenderService.Api.Model.Training;

namespace RecommenderService.Api.Tests.Observability;

public sealed class CronIntervalTests
{
    [Theory]
    [InlineData("0 * * * *", 3600)]
    [InlineData("*/15 * * * *", 900)]
    [InlineData("30 2 * * *", 86400)]
    [InlineData("0 3 * * 1-5", 3 * 86400)] // Friday 03:00 to Monday 03:00
    [InlineData("*/10 * * * * *", 10)]     // Hangfire's six-field form, with seconds
    public void The_interval_is_the_longest_gap_between_two_runs(string cron, double seconds) =>
        Assert.Equal(seconds, CronInterval.LongestGap(cron).TotalSeconds);
}
