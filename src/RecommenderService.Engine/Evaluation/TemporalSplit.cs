namespace RecommenderService.Engine;

/// <summary>Splits ratings by time: the newest fraction is the test part, as a live system would meet it.</summary>
public static class TemporalSplit
{
    /// <summary>
    /// The newest <paramref name="testFraction"/> of <paramref name="ratings"/> by <see cref="RatingSet.Time"/>
    /// (rounded to the nearest count) is the test part; equal times are ordered by index, so the split is
    /// deterministic. Both parts keep the original order of their ratings.
    /// </summary>
    public static DataSplit Split(RatingSet ratings, double testFraction) => Split(ratings, testFraction, out _);

    /// <inheritdoc cref="Split(RatingSet, double)"/>
    /// <param name="ratings">The ratings to split.</param>
    /// <param name="testFraction">The newest fraction to hold out, in (0, 1).</param>
    /// <param name="testRows">Indices into <paramref name="ratings"/> of the test part, ascending.</param>
    public static DataSplit Split(RatingSet ratings, double testFraction, out int[] testRows)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        if (!(testFraction > 0 && testFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "The test fraction must be in (0, 1).");

        var n = ratings.Count;
        var order = new int[n];
        for (var r = 0; r < n; r++) order[r] = r;
        ratings.RequireTimes("A temporal split");
        var time = ratings.Time;
        order.AsSpan().Sort((a, b) => time[a] != time[b] ? time[a].CompareTo(time[b]) : a.CompareTo(b));

        var testCount = (int)Math.Round(n * testFraction, MidpointRounding.AwayFromZero);
        var train = order.AsSpan(0, n - testCount);
        var test = order.AsSpan(n - testCount);
        train.Sort();
        test.Sort();
        testRows = test.ToArray();
        return new DataSplit(ratings.Subset(train), ratings.Subset(test));
    }
}
