namespace RecommenderService.Engine.Tests;

public sealed class TemporalSplitTests
{
    [Fact]
    public void Temporal_split_takes_the_newest_fraction_as_test()
    {
        var b = new RatingSetBuilder();
        long[] times = [50, 10, 40, 20, 30, 60, 70, 80, 5, 90];
        for (var r = 0; r < times.Length; r++) b.Add($"u{r % 3}", $"i{r}", r % 5 + 1, times[r]);
        var split = TemporalSplit.Split(b.Build(), 0.3);

        Assert.Equal([70L, 80, 90], split.Test.Time);
        Assert.Equal([50L, 10, 40, 20, 30, 60, 5], split.Train.Time); // original order kept
        Assert.Same(split.Train.Users, split.Test.Users);
    }

    [Fact]
    public void Equal_times_are_ordered_by_index_so_the_later_rows_are_test()
    {
        var b = new RatingSetBuilder();
        for (var r = 0; r < 6; r++) b.Add("u", $"i{r}", 3, time: r < 2 ? 1 : 7);
        var split = TemporalSplit.Split(b.Build(), 0.5);
        Assert.Equal(["i3", "i4", "i5"], split.Test.Item.Select(i => split.Test.Items[i]));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Fractions_outside_zero_to_one_are_rejected(double fraction)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TemporalSplit.Split(ToyRatings.Build(), fraction));
    }
}
