namespace RecommenderService.Engine;

/// <summary>
/// The ratings of a seeded random sample of users holding about a given number of ratings: what
/// <see cref="RankingSearch"/> trains its candidates on when the data is larger, so the search's cost stops growing
/// with the data.
/// </summary>
/// <remarks>
/// Whole users, so every sampled user keeps their history and the temporal split of the sample holds out their own
/// newest ratings; every item keeps the same share of its raters on average. The sample shares the input's id maps.
/// </remarks>
internal static class SearchSample
{
    /// <summary>
    /// <paramref name="ratings"/> itself when it holds at most <paramref name="maxRatings"/> ratings (or
    /// <paramref name="maxRatings"/> is 0); otherwise the ratings of users drawn in a seeded order until they hold
    /// <paramref name="maxRatings"/>, in the input's order.
    /// </summary>
    public static RatingSet Of(RatingSet ratings, long maxRatings, int seed)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        if (maxRatings <= 0 || ratings.Count <= maxRatings) return ratings;
        var perUser = new int[ratings.UserCount];
        foreach (var user in ratings.User) perUser[user]++;
        var order = new int[ratings.UserCount];
        for (var u = 0; u < order.Length; u++) order[u] = u;
        SeededRandom.For(seed, 0x7361_6d70).Shuffle(order.AsSpan());
        var kept = new bool[ratings.UserCount];
        long held = 0;
        foreach (var user in order)
        {
            if (held >= maxRatings) break;
            if (perUser[user] == 0) continue;
            kept[user] = true;
            held += perUser[user];
        }
        var rows = new int[held];
        var at = 0;
        for (var r = 0; r < ratings.Count; r++)
            if (kept[ratings.User[r]]) rows[at++] = r;
        return ratings.Subset(rows);
    }
}
