using RecommenderService.Engine;

namespace RecommenderService.Api.Model.Versions;

/// <summary>The contract's names for <see cref="ListSource"/> (<c>listSource</c> of a model version).</summary>
public static class ListSourceNames
{
    public const string RankingHead = "ranking-head";
    public const string RatingHead = "rating-head";
    public const string Popularity = "popularity";
    public const string RankingHeadOnly = "ranking-head-only";

    public static string Name(ListSource source) => source switch
    {
        ListSource.RankingHead => RankingHead,
        ListSource.RatingHead => RatingHead,
        ListSource.RankingHeadOnly => RankingHeadOnly,
        _ => Popularity,
    };

    /// <summary>Versions recorded before lists had a source served from their ranking head when they had one.</summary>
    public static ListSource Parse(string? name, bool hasRankingHead) => name switch
    {
        RankingHead => ListSource.RankingHead,
        RatingHead => ListSource.RatingHead,
        Popularity => ListSource.Popularity,
        RankingHeadOnly => hasRankingHead ? ListSource.RankingHeadOnly : ListSource.RatingHead,
        _ => hasRankingHead ? ListSource.RankingHead : ListSource.RatingHead,
    };
}
