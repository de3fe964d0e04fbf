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
    public void Equal_times_never_outrank_a_newer_time_and_the_split_is_deterministic()
    {
        var b = new RatingSetBuilder();
        for (var r = 0; r < 6; r++) b.Add("u", $"i{r}", 3, time: r < 4 ? 1 : 7);
        var ratings = b.Build();
        var split = TemporalSplit.Split(ratings, 0.5);

        // The two newest are test; the third test row is one of the four tied at the older time.
        Assert.Contains("i4", split.Test.Item.Select(i => split.Test.Items[i]));
        Assert.Contains("i5", split.Test.Item.Select(i => split.Test.Items[i]));
        Assert.Equal(split.Test.Item, TemporalSplit.Split(ratings, 0.5).Test.Item);
    }

    [Fact]
    public void Ratings_that_share_one_time_are_held_out_at_random_not_by_row_order()
    {
        // As after a CSV import without timestamps: one time, rows grouped by user.
        var b = new RatingSetBuilder();
        for (var u = 0; u < 200; u++)
            for (var i = 0; i < 10; i++) b.Add($"u{u}", $"i{i}", 3, time: 1_700_000_000);

        var split = TemporalSplit.Split(b.Build(), 0.1);

        var testUsers = split.Test.User.Distinct().ToHashSet();
        var trainUsers = split.Train.User.Distinct().ToHashSet();
        // By row order the test part would be the last 20 users, none with a training rating.
        Assert.True(testUsers.Count > 100, $"{testUsers.Count} users in the test part");
        Assert.True(testUsers.Count(trainUsers.Contains) > 100, "test users with training ratings");
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
