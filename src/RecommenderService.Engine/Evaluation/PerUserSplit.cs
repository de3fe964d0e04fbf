namespace RecommenderService.Engine;

/// <summary>
/// Splits within each user, for top-N evaluation where every test user must also have training ratings:
/// a random fraction of each user's ratings (<see cref="Split"/>) or their newest one (<see cref="LeaveLastOut"/>).
/// </summary>
public static class PerUserSplit
{
    /// <summary>
    /// For each user with n ratings, round(n·fraction) of them (half away from zero), chosen at random, go to
    /// the test part, but at most n - 1, so every user keeps at least one training rating (a user with one
    /// rating is all training). Users are visited in index order with one <see cref="NumpyRandomState"/> shuffling
    /// each user's rows, so the split is a function of the data and the seed. Both parts keep row order.
    /// </summary>
    public static DataSplit Split(RatingSet ratings, double testFraction, uint seed = 42)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        if (!(testFraction > 0 && testFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "The test fraction must be in (0, 1).");
        var (start, rows) = GroupByUser(ratings);
        var random = new NumpyRandomState(seed);
        var inTest = new bool[ratings.Count];
        for (var u = 0; u < ratings.UserCount; u++)
        {
            var own = rows.AsSpan(start[u], start[u + 1] - start[u]);
            var held = Math.Min((int)Math.Round(own.Length * testFraction, MidpointRounding.AwayFromZero), own.Length - 1);
            if (held <= 0) continue;
            random.Shuffle(own);
            foreach (var r in own[..held]) inTest[r] = true;
        }
        return Partition(ratings, inTest);
    }

    /// <summary>
    /// Each user with at least two ratings has their newest rating (largest <see cref="RatingSet.Time"/>; on a tie
    /// the later row) in the test part; everything else is training.
    /// </summary>
    public static DataSplit LeaveLastOut(RatingSet ratings)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        ratings.RequireTimes("A per-user split by newest rating");
        var last = new int[ratings.UserCount];
        var count = new int[ratings.UserCount];
        Array.Fill(last, -1);
        for (var r = 0; r < ratings.Count; r++)
        {
            var u = ratings.User[r];
            count[u]++;
            if (last[u] < 0 || ratings.Time[r] >= ratings.Time[last[u]]) last[u] = r;
        }
        var inTest = new bool[ratings.Count];
        for (var u = 0; u < last.Length; u++)
            if (count[u] >= 2) inTest[last[u]] = true;
        return Partition(ratings, inTest);
    }

    /// <summary>Row indices grouped by user (counting sort, row order kept within a user).</summary>
    internal static (int[] Start, int[] Rows) GroupByUser(RatingSet ratings)
    {
        var start = new int[ratings.UserCount + 1];
        foreach (var u in ratings.User) start[u + 1]++;
        for (var u = 0; u < ratings.UserCount; u++) start[u + 1] += start[u];
        var next = start[..^1].ToArray();
        var rows = new int[ratings.Count];
        for (var r = 0; r < ratings.Count; r++) rows[next[ratings.User[r]]++] = r;
        return (start, rows);
    }

    private static DataSplit Partition(RatingSet ratings, bool[] inTest)
    {
        var testCount = 0;
        foreach (var t in inTest) if (t) testCount++;
        var train = new int[ratings.Count - testCount];
        var test = new int[testCount];
        int a = 0, b = 0;
        for (var r = 0; r < inTest.Length; r++)
        {
            if (inTest[r]) test[b++] = r; else train[a++] = r;
        }
        return new DataSplit(ratings.Subset(train), ratings.Subset(test));
    }
}
