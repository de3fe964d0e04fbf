namespace RecommenderService.Engine;

/// <summary>
/// Holds whole users out: every rating of ⌈users·fraction⌉ users is the test part, so they are true newcomers to
/// whatever is trained on the rest (the protocol for the list newcomers are served, <see cref="NewcomerJudging"/>). The
/// held-out users are the first of <c>RandomState(seed).permutation(users)</c>, users counted by index (each with at
/// least one rating, as a rating set's users are). Both parts keep the original order of their ratings.
/// </summary>
public static class UserHoldoutSplit
{
    public static DataSplit Split(RatingSet ratings, double userFraction, uint seed = 42)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        if (!(userFraction > 0 && userFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(userFraction), userFraction, "The user fraction must be in (0, 1).");
        var users = ratings.UserCount;
        var heldOut = new bool[users];
        var permutation = new NumpyRandomState(seed).Permutation(users);
        var count = RandomSplit.TestCount(users, userFraction);
        for (var x = 0; x < count; x++) heldOut[permutation[x]] = true;
        var train = new List<int>(ratings.Count);
        var test = new List<int>();
        for (var r = 0; r < ratings.Count; r++) (heldOut[ratings.User[r]] ? test : train).Add(r);
        return new DataSplit(ratings.Subset(train.ToArray()), ratings.Subset(test.ToArray()));
    }
}
