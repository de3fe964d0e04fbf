using RecommenderService.Engine;

namespace RecommenderService.Cli;

/// <summary>
/// <c>recsys evaluate --rating-head-sees-test F</c>: a diagnostic, never a model the service could train. The rating
/// head that weighs the lists (<see cref="ListScore"/>'s g) is trained on the training part plus a fraction F of the
/// test part's ratings, while the ranking head and the judging stay as they are.
/// </summary>
/// <remarks>
/// Why it exists: the list score's trade-off between "will rate" and "will like" is bounded by how well the rating head
/// tells apart, among the items a user will rate, those they will like from those they will not. Letting it see the
/// answers measures how much better it would have to be for a goal on liked and disliked items to be reachable
/// (MovieLens-100k's figures: docs/decisions/0003-list-score.md).
/// </remarks>
internal static class RatingHeadLeak
{
    /// <summary>
    /// The training ratings followed by the first ceil(F·n) test ratings of numpy RandomState(seed).permutation(n);
    /// both parts share one id space (they are subsets of one set), so the union does too.
    /// </summary>
    public static RatingSet TrainingPlusSeenTest(RatingSet train, RatingSet test, double fraction, uint seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fraction, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fraction, 1);
        if (!ReferenceEquals(train.Users, test.Users) || !ReferenceEquals(train.Items, test.Items))
            throw new ArgumentException("The training and test parts must share their id maps.");
        var seen = (int)Math.Ceiling(test.Count * fraction);
        var order = new NumpyRandomState(seed).Permutation(test.Count);
        var rows = new int[seen];
        Array.Copy(order, rows, seen);
        Array.Sort(rows);
        var shown = test.Subset(rows);
        var withTimes = train.HasTimes && shown.HasTimes;
        return new RatingSet(train.Users, train.Items,
            [.. train.User, .. shown.User], [.. train.Item, .. shown.Item], [.. train.Value, .. shown.Value],
            withTimes ? [.. train.Time, .. shown.Time] : []);
    }
}
