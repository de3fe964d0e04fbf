using RecommenderService.Engine;

using RecommenderService.Api.OpenApi;

namespace RecommenderService.Api.Lifecycle;

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
/// <param name="PopularityPrecisionAt10">The popularity list on the list users.</param>
/// <param name="PopularityNdcgAt10">Same, NDCG.</param>
/// <param name="RankingHeadNdcgAt10">The ranking head's lists on the list users (null without that head).</param>
/// <param name="RatingHeadNdcgAt10">The rating head's lists on the list users.</param>
/// <param name="HoldoutRatings">Ratings in the holdout (the newest ratings, 10% by default).</param>
/// <param name="WarmRatings">Holdout ratings of users who rated before the cut.</param>
/// <param name="WarmRmse">Rating head on those (null when there are none).</param>
/// <param name="WarmBaselineRmse">Biases-only baseline on those (null when there are none).</param>
/// <param name="RankingUsers">Holdout users with an earlier rating: the users lists are judged on.</param>
/// <param name="ListSource">Where this version's lists come from: <c>ranking-head</c>, <c>rating-head</c> or <c>popularity</c>.</param>
/// <param name="Active">The model that was active, scored on the same holdout ratings (null when none was active).</param>
/// <param name="Timings">Seconds per stage.</param>
[FieldsMayBeAbsent]
public sealed record ModelMetrics(
    double Rmse, double Mae, double? PrecisionAt10, double? RecallAt10, double? NdcgAt10,
    double BaselineRmse, double? PopularityPrecisionAt10, double? PopularityNdcgAt10,
    double? RankingHeadNdcgAt10, double? RatingHeadNdcgAt10,
    int HoldoutRatings, int WarmRatings, double? WarmRmse, double? WarmBaselineRmse, int RankingUsers,
    [property: System.ComponentModel.DataAnnotations.AllowedValues(ListSources.RankingHead, ListSources.RatingHead, ListSources.Popularity)] string ListSource, ActiveModelComparison? Active, RetrainTimings? Timings)
{
    public static ModelMetrics From(HoldoutReport report, ActiveModelComparison? active, RetrainTimings? timings)
    {
        var chosen = report.ChosenLists;
        return new ModelMetrics(report.Rmse, report.Mae, chosen?.Precision, chosen?.Recall, chosen?.Ndcg,
            report.BaselineRmse, report.Popularity?.Precision, report.Popularity?.Ndcg,
            report.RankingHead?.Ndcg, report.RatingHead?.Ndcg,
            report.HoldoutRatings, report.WarmRatings, Finite(report.WarmRmse), Finite(report.WarmBaselineRmse), report.ListUsers, ListSources.Name(report.ListSource), active, timings);
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
