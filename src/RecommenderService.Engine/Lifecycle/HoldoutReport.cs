namespace RecommenderService.Engine;

/// <summary>
/// How a candidate model (trained on everything before the holdout) did on the newest ratings, beside the
/// baselines it must beat: biases-only for ratings, popularity for lists.
/// </summary>
/// <param name="Rmse">Rating head, every holdout rating (users new in the holdout get μ + b_i, as a zero vector gives).</param>
/// <param name="Mae">Same, mean absolute error.</param>
/// <param name="BaselineRmse">Biases-only baseline on the same ratings.</param>
/// <param name="HoldoutRatings">Ratings in the holdout.</param>
/// <param name="WarmRatings">Holdout ratings of users who also rated before the cut.</param>
/// <param name="WarmRmse">Rating head on those ratings (NaN when there are none).</param>
/// <param name="WarmBaselineRmse">Biases-only baseline on those ratings (NaN when there are none).</param>
/// <param name="ListUsers">
/// Holdout users who also rated before the cut: the only ones whose lists any head personalises, so the only
/// ones lists are judged on. Users with no earlier rating get popularity from every source alike.
/// </param>
/// <param name="RankingHead">Lists of the ranking head on those users; null without a ranking head or list users.</param>
/// <param name="RatingHead">Lists of the rating head on those users; null without list users.</param>
/// <param name="Popularity">The popularity list on those users; null without list users.</param>
/// <param name="ListSource">The source that won (see <see cref="HoldoutReport.ChooseListSource"/>).</param>
public sealed record HoldoutReport(
    double Rmse, double Mae, double BaselineRmse, int HoldoutRatings, int WarmRatings, double WarmRmse, double WarmBaselineRmse, int ListUsers,
    RankingScores? RankingHead, RankingScores? RatingHead, RankingScores? Popularity, ListSource ListSource)
{
    /// <summary>The list scores of the chosen source (null when lists could not be judged).</summary>
    public RankingScores? ChosenLists => ListSource switch
    {
        ListSource.RankingHead => RankingHead,
        ListSource.RatingHead => RatingHead,
        _ => Popularity,
    };

    /// <summary>
    /// A head serves lists only if its NDCG beats popularity's on the list users; between two heads that do,
    /// the higher NDCG wins and the ranking head wins a tie (it is trained for lists). With no list users there
    /// is nothing to judge on, so the preferred head serves: judging on users who get popularity from every
    /// source would only ever produce ties.
    /// </summary>
    public static ListSource ChooseListSource(RankingScores? rankingHead, RankingScores? ratingHead, RankingScores? popularity, bool hasRankingHead)
    {
        var preferred = hasRankingHead ? ListSource.RankingHead : ListSource.RatingHead;
        if (popularity is not { Users: > 0 } pop) return preferred;
        var best = ListSource.Popularity;
        var bestNdcg = pop.Ndcg;
        if (ratingHead is { } rating && rating.Ndcg > bestNdcg) (best, bestNdcg) = (ListSource.RatingHead, rating.Ndcg);
        if (rankingHead is { } ranking && (ranking.Ndcg > bestNdcg || (best == ListSource.RatingHead && ranking.Ndcg >= bestNdcg)))
            best = ListSource.RankingHead;
        return best;
    }
}
