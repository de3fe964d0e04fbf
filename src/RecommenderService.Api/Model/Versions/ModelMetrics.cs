using RecommenderService.Api.OpenApi;
using RecommenderService.Engine;

namespace RecommenderService.Api.Model.Versions;

/// <summary>
/// The holdout figures recorded on a model version (<c>metrics</c> of <c>GET /api/v1/model/versions</c>): enough to
/// explain every gate decision from the row alone.
/// </summary>
/// <param name="Rmse">Rating head on every holdout rating.</param>
/// <param name="Mae">Same, mean absolute error.</param>
/// <param name="PrecisionAt10">Lists of the chosen source on the list users.</param>
/// <param name="RecallAt10">Same, recall.</param>
/// <param name="NdcgAt10">Same, NDCG.</param>
/// <param name="BaselineRmse">Biases-only baseline on every holdout rating.</param>
/// <param name="PopularityPrecisionAt10">The most-rated list on the list users: the yardstick "most popular".</param>
/// <param name="PopularityNdcgAt10">Same, NDCG.</param>
/// <param name="RankingHeadNdcgAt10">The ranking head's lists on the list users (null without that head).</param>
/// <param name="RatingHeadNdcgAt10">The rating head's lists on the list users.</param>
/// <param name="HoldoutRatings">Ratings in the holdout (the newest ratings, 10% by default).</param>
/// <param name="WarmRatings">Holdout ratings of users who rated before the cut.</param>
/// <param name="WarmRmse">Rating head on those (null when there are none).</param>
/// <param name="WarmBaselineRmse">Biases-only baseline on those (null when there are none).</param>
/// <param name="RankingUsers">Holdout users with an earlier rating: the users lists are judged on.</param>
/// <param name="ListSource">Where this version's lists come from: <c>ranking-head</c>, <c>ranking-head-only</c>, <c>rating-head</c> or <c>popularity</c>.</param>
/// <param name="Active">The model that was active, scored on the same holdout ratings (null when none was active).</param>
/// <param name="Timings">Seconds per stage.</param>
/// <remarks>
/// The liked figures judge the same lists with only held-out ratings ≥ 4 (on 1–5, scaled to the service's scale)
/// relevant; disliked@10 is the share of the 10 listed items the user rated ≤ 2 (scaled). The gate uses the
/// any-rated NDCG; these say whether the lists hold what users liked.
/// </remarks>
[FieldsMayBeAbsent]
public sealed record ModelMetrics(
    double Rmse, double Mae, double? PrecisionAt10, double? RecallAt10, double? NdcgAt10,
    double BaselineRmse, double? PopularityPrecisionAt10, double? PopularityNdcgAt10,
    double? RankingHeadNdcgAt10, double? RatingHeadNdcgAt10,
    int HoldoutRatings, int WarmRatings, double? WarmRmse, double? WarmBaselineRmse, int RankingUsers,
    [property: System.ComponentModel.DataAnnotations.AllowedValues(ListSourceNames.RankingHead, ListSourceNames.RankingHeadOnly, ListSourceNames.RatingHead, ListSourceNames.Popularity)] string ListSource, ActiveModelComparison? Active, RetrainTimings? Timings)
{
    public static ModelMetrics From(HoldoutReport report, ActiveModelComparison? active, RetrainTimings? timings)
    {
        var chosen = report.ChosenLists;
        var lists = report.ChosenListScores;
        return new ModelMetrics(report.Rmse, report.Mae, chosen?.Precision, chosen?.Recall, chosen?.Ndcg,
            report.BaselineRmse, report.MostRated?.Precision, report.MostRated?.Ndcg,
            report.RankingHead?.Ndcg, report.RatingHead?.Ndcg,
            report.HoldoutRatings, report.WarmRatings, Finite(report.WarmRmse), Finite(report.WarmBaselineRmse), report.ListUsers, ListSourceNames.Name(report.ListSource), active, timings)
        {
            LikedPrecisionAt10 = lists?.Liked.Precision, LikedNdcgAt10 = lists?.Liked.Ndcg, DislikedAt10 = lists?.Disliked,
            PopularityLikedPrecisionAt10 = report.MostRatedLists?.Liked.Precision, PopularityDislikedAt10 = report.MostRatedLists?.Disliked,
            RankingHeadOnlyNdcgAt10 = report.RankingHeadOnlyLists?.Rated.Ndcg,
            ServedPopularityPrecisionAt10 = report.ServedPopularityLists?.Rated.Precision, ServedPopularityNdcgAt10 = report.ServedPopularityLists?.Rated.Ndcg,
            LikedThreshold = lists?.LikedThreshold, DislikedThreshold = lists?.DislikedThreshold,
            NewcomerList = report.NewcomerLists is { } newcomers ? NewcomerListMetrics.From(newcomers) : null,
        };
    }

    /// <summary>
    /// Which popular list this version serves newcomers (and users with history when <c>listSource</c> is
    /// <c>popularity</c>), and every candidate's figures on the holdout's newcomers; null for versions trained before
    /// lists were judged.
    /// </summary>
    public NewcomerListMetrics? NewcomerList { get; init; }

    /// <summary>
    /// The list the service serves as popularity (the newcomer list, <c>newcomerList.served</c>) on the list users: what
    /// they would get if <c>listSource</c> were <c>popularity</c>. Precision@10.
    /// </summary>
    public double? ServedPopularityPrecisionAt10 { get; init; }

    /// <summary>Same, NDCG@10: the figure a head must beat for its lists to be served.</summary>
    public double? ServedPopularityNdcgAt10 { get; init; }

    /// <summary>The ranking head's lists without the predicted-rating weighting, on the list users (null without that head).</summary>
    public double? RankingHeadOnlyNdcgAt10 { get; init; }

    /// <summary>Lists of the chosen source, only liked held-out items relevant: precision@10.</summary>
    public double? LikedPrecisionAt10 { get; init; }

    /// <summary>Same, NDCG@10.</summary>
    public double? LikedNdcgAt10 { get; init; }

    /// <summary>The rating at or above which a held-out rating counted as liked (<c>Training:LikedThreshold</c>).</summary>
    public double? LikedThreshold { get; init; }

    /// <summary>The rating at or below which a held-out rating counted as disliked (<c>Training:DislikedThreshold</c>).</summary>
    public double? DislikedThreshold { get; init; }

    /// <summary>Share of the chosen source's listed items the user rated ≤ the disliked threshold.</summary>
    public double? DislikedAt10 { get; init; }

    /// <summary>The popularity list's liked precision@10 on the same users.</summary>
    public double? PopularityLikedPrecisionAt10 { get; init; }

    /// <summary>The popularity list's disliked@10 on the same users.</summary>
    public double? PopularityDislikedAt10 { get; init; }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
