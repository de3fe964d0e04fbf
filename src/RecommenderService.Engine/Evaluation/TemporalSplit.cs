namespace RecommenderService.Engine;

/// <summary>Splits ratings by time: the newest fraction is the test part, as a live system would meet it.</summary>
public static class TemporalSplit
{
    /// <summary>
    /// The newest <paramref name="testFraction"/> of <paramref name="ratings"/> by <see cref="RatingSet.Time"/>
    /// (rounded to the nearest count) is the test part. Equal times are ordered by a fixed pseudo-random
    /// shuffle of the rows, so the split is deterministic and ratings that share a time are held out at random.
    /// Both parts keep the original order of their ratings.
    /// </summary>
    /// <remarks>
    /// Why not ties by row order: ratings imported without timestamps all carry the import's time, and rows come
    /// grouped by user (a file's order, or the table's). By row order the "newest" tenth was then the last tenth of
    /// the users, every one of them without a training rating: no list could be judged on the holdout, and the
    /// service's gate fell back to popularity lists (seen on 1M and 10M generated ratings imported as
    /// user,item,rating). Shuffled, a set with a single time is split at random instead.
    /// </remarks>
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
        order.AsSpan().Sort((a, b) => time[a] != time[b] ? time[a].CompareTo(time[b]) : TieOrder(a, b));

        var testCount = (int)Math.Round(n * testFraction, MidpointRounding.AwayFromZero);
        var train = order.AsSpan(0, n - testCount);
        var test = order.AsSpan(n - testCount);
        train.Sort();
        test.Sort();
        testRows = test.ToArray();
        return new DataSplit(ratings.Subset(train), ratings.Subset(test));
    }

    /// <summary>Orders two rows of equal time by a hash of their indices (SplitMix64's finaliser), then by index.</summary>
    private static int TieOrder(int a, int b)
    {
        var c = Mix((ulong)a).CompareTo(Mix((ulong)b));
        return c != 0 ? c : a.CompareTo(b);
    }

    private static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
