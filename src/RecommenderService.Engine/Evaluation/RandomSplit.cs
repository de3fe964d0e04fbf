namespace RecommenderService.Engine;

/// <summary>
/// A random holdout that selects the same rows as scikit-learn's <c>train_test_split</c>/<c>ShuffleSplit</c>
/// with an integer seed: test = the first ⌈n·fraction⌉ entries of <c>RandomState(seed).permutation(n)</c>,
/// train = the rest. For 80/20 on MovieLens-100k with seed 42 the test part is rows
/// <c>permutation(100000)[:20000]</c>.
/// </summary>
public static class RandomSplit
{
    /// <summary>Both parts list their rows in permutation order, as scikit-learn's index arrays do.</summary>
    public static DataSplit Holdout(RatingSet ratings, double testFraction, uint seed = 42)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        if (!(testFraction > 0 && testFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "The test fraction must be in (0, 1).");
        var n = ratings.Count;
        var permutation = new NumpyRandomState(seed).Permutation(n);
        var testCount = TestCount(n, testFraction);
        return new DataSplit(ratings.Subset(permutation.AsSpan(testCount)), ratings.Subset(permutation.AsSpan(0, testCount)));
    }

    /// <summary>⌈n·fraction⌉ as scikit-learn computes it, guarded against 0.2·100000 landing a hair above 20000.</summary>
    internal static int TestCount(int n, double fraction) => (int)Math.Ceiling(n * fraction - 1e-9);
}
