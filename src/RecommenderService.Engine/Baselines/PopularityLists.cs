namespace RecommenderService.Engine;

/// <summary>The names of <see cref="PopularityList"/> values in settings, reports and the service's contract (kebab case).</summary>
public static class PopularityLists
{
    public const string MostRated = "most-rated";
    public const string DampedMean = "damped-mean";
    public const string RecentMostRated = "recent-most-rated";
    public const string LikedCount = "liked-count";
    public const string LikedBoosted = "liked-boosted";
    public const string LikedLowerBound = "liked-lower-bound";
    public const string Trending = "trending";

    /// <summary>Every list, in the order ties between their figures are settled (the earlier wins).</summary>
    public static IReadOnlyList<PopularityList> All { get; } = Enum.GetValues<PopularityList>();

    /// <summary>Every name, in the order of <see cref="All"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = [MostRated, DampedMean, RecentMostRated, LikedCount, LikedBoosted, LikedLowerBound, Trending];

    public static string Name(PopularityList list) => list switch
    {
        PopularityList.MostRated => MostRated,
        PopularityList.DampedMean => DampedMean,
        PopularityList.RecentMostRated => RecentMostRated,
        PopularityList.LikedCount => LikedCount,
        PopularityList.LikedBoosted => LikedBoosted,
        PopularityList.LikedLowerBound => LikedLowerBound,
        PopularityList.Trending => Trending,
        _ => throw new ArgumentOutOfRangeException(nameof(list), list, "Not a popularity list."),
    };

    /// <summary>The list named <paramref name="name"/> (ordinal, case-insensitive); false for anything else.</summary>
    public static bool TryParse(string? name, out PopularityList list)
    {
        for (var i = 0; i < Names.Count; i++)
            if (string.Equals(Names[i], name, StringComparison.OrdinalIgnoreCase))
            {
                list = All[i];
                return true;
            }
        list = default;
        return false;
    }
}
