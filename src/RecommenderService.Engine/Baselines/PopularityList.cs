namespace RecommenderService.Engine;

/// <summary>
/// What a popularity list ranks items by: the candidates for the list served to newcomers (users with no ratings and no
/// profile), judged by each training on the newcomers of its holdout (<see cref="NewcomerJudging"/>). Every formula is in
/// <see cref="Popularity.Score"/>.
/// </summary>
/// <remarks>The numeric values are not stored anywhere; names are (<see cref="PopularityLists"/>).</remarks>
public enum PopularityList
{
    /// <summary>The number of ratings n: the top-N literature's "most popular" baseline, and the gate's yardstick.</summary>
    MostRated,

    /// <summary>The damped mean (C·μ + Σr) / (C + n): the best-rated items, the service's popular list before lists were judged.</summary>
    DampedMean,

    /// <summary>The number of ratings in the last <see cref="PopularitySettings.RecentDays"/> UTC days: what is chosen now.</summary>
    RecentMostRated,

    /// <summary>The number of ratings at or above the liked threshold: how many chose the item and liked it.</summary>
    LikedCount,

    /// <summary>
    /// Ratings plus half again for each liked one (n + ½·liked): between the most-rated list, which finds what newcomers
    /// will rate, and the liked count, which finds what they will like at some cost in what they rate (MovieLens-100k,
    /// 20 % of users held out: liked P@10 0.370 against 0.324, but P@10 0.483 against 0.503).
    /// </summary>
    LikedBoosted,

    /// <summary>
    /// The Wilson lower bound of the liked share at 95 %: the share of an item's ratings that are liked, discounted by how
    /// few ratings back it, so ten likes of ten rank below 900 of 1,000.
    /// </summary>
    LikedLowerBound,

    /// <summary>
    /// Ratings decayed by age, each worth 2^(−age / <see cref="PopularitySettings.HalfLifeDays"/>) with age in whole UTC
    /// days: what is chosen more and more.
    /// </summary>
    Trending,
}
