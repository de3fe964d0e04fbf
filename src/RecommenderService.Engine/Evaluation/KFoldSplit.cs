namespace RecommenderService.Engine;

/// <summary>
/// Shuffled k-fold cross-validation folds matching scikit-learn's <c>KFold(k, shuffle=True, random_state=seed)</c>:
/// the rows are shuffled by <c>RandomState(seed)</c>, the first n mod k folds get ⌊n/k⌋ + 1 rows and the rest
/// ⌊n/k⌋, and fold f's test part is its slice of the shuffled rows; its training part is every other row.
/// </summary>
public static class KFoldSplit
{
    /// <summary>k splits whose test parts partition the ratings; train rows in ascending order, test rows in shuffled order.</summary>
    public static DataSplit[] Split(RatingSet ratings, int folds, uint seed = 42)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        var n = ratings.Count;
        if (folds < 2 || folds > n)
            throw new ArgumentOutOfRangeException(nameof(folds), folds, $"Need 2 <= folds <= number of ratings ({n}).");
        var shuffled = new NumpyRandomState(seed).Permutation(n);
        var splits = new DataSplit[folds];
        var inTest = new bool[n];
        var start = 0;
        for (var f = 0; f < folds; f++)
        {
            var size = n / folds + (f < n % folds ? 1 : 0);
            var test = shuffled.AsSpan(start, size);
            foreach (var r in test) inTest[r] = true;
            var train = new int[n - size];
            var t = 0;
            for (var r = 0; r < n; r++)
                if (!inTest[r]) train[t++] = r;
            foreach (var r in test) inTest[r] = false;
            splits[f] = new DataSplit(ratings.Subset(train), ratings.Subset(test));
            start += size;
        }
        return splits;
    }
}
