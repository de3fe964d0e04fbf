namespace RecommenderService.Engine.Tests;

/// <summary>
/// The intervals of the online figures against the values Newcombe published (Statistics in Medicine 17, 1998: "Two-sided
/// confidence intervals for the single proportion", table I, method 3; "Interval estimation for the difference between
/// independent proportions", table II, method 10).
/// </summary>
public sealed class ProportionIntervalTests
{
    [Theory]
    [InlineData(81, 263, 0.2553, 0.3662)]
    [InlineData(15, 148, 0.0624, 0.1605)]
    [InlineData(0, 20, 0.0, 0.1611)]
    [InlineData(1, 29, 0.0061, 0.1718)]
    public void The_wilson_interval_matches_the_published_values(long successes, long trials, double low, double high)
    {
        var interval = ProportionInterval.Wilson(successes, trials);

        Assert.Equal(low, interval.Low, 4);
        Assert.Equal(high, interval.High, 4);
        Assert.Equal((double)successes / trials, interval.Rate, 12);
    }

    [Theory]
    [InlineData(56, 70, 48, 80, 0.0524, 0.3339)]
    [InlineData(9, 10, 3, 10, 0.1705, 0.8090)]
    [InlineData(6, 7, 2, 7, 0.0582, 0.8062)]
    public void The_newcombe_difference_interval_matches_the_published_values(long s1, long n1, long s2, long n2, double low, double high)
    {
        var difference = DifferenceInterval.Newcombe(ProportionInterval.Wilson(s1, n1), ProportionInterval.Wilson(s2, n2));

        Assert.Equal((double)s1 / n1 - (double)s2 / n2, difference.Difference, 12);
        Assert.Equal(low, difference.Low, 4);
        Assert.Equal(high, difference.High, 4);
        Assert.True(difference.ExcludesZero);
    }

    [Fact]
    public void No_trials_is_the_whole_range_and_equal_rates_do_not_exclude_zero()
    {
        var none = ProportionInterval.Wilson(0, 0);
        var same = DifferenceInterval.Newcombe(ProportionInterval.Wilson(30, 100), ProportionInterval.Wilson(30, 100));

        Assert.Equal((0.0, 0.0, 1.0), (none.Rate, none.Low, none.High));
        Assert.False(same.ExcludesZero);
        Assert.Equal(-same.Low, same.High, 12);
    }

    [Fact]
    public void Treatment_assignment_is_sticky_near_the_share_and_differs_between_experiments()
    {
        var users = Enumerable.Range(0, 20_000).Select(u => "user-" + u).ToArray();

        var first = users.Count(u => TreatmentAssignment.IsTreated(u, 1, 0.1));
        var again = users.Count(u => TreatmentAssignment.IsTreated(u, 1, 0.1));
        var both = users.Count(u => TreatmentAssignment.IsTreated(u, 1, 0.1) && TreatmentAssignment.IsTreated(u, 2, 0.1));

        Assert.Equal(first, again);
        Assert.InRange(first, 1_800, 2_200);
        // Independent experiments: about 1 % of users are in both treatments, not 10 %.
        Assert.InRange(both, 120, 280);
        Assert.All(users.Take(100), u => Assert.Equal(TreatmentAssignment.IsTreated(u, 7, 0.2), TreatmentAssignment.PointOf(u, 7) < 0.2));
    }
}
