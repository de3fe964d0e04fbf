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
    /// <summary>The ranking head's lists judged both ways (any held-out item, liked) with disliked@10.</summary>
    public ListScores? RankingHeadLists { get; init; }

    /// <summary>The ranking head's lists without the rating head's weighting (<see cref="ListScore.RankingOnly"/>), judged both ways.</summary>
    public ListScores? RankingHeadOnlyLists { get; init; }

    /// <summary>The rating head's lists judged both ways with disliked@10.</summary>
    public ListScores? RatingHeadLists { get; init; }

    /// <summary>The popularity lists judged both ways with disliked@10.</summary>
    public ListScores? PopularityLists { get; init; }

    /// <summary>The chosen source's lists judged both ways (null when lists could not be judged).</summary>
    public ListScores? ChosenListScores => ListSource switch
    {
        ListSource.RankingHead => RankingHeadLists,
        ListSource.RankingHeadOnly => RankingHeadOnlyLists,
        ListSource.RatingHead => RatingHeadLists,
        _ => PopularityLists,
    };

    /// <summary>The list scores of the chosen source (null when lists could not be judged).</summary>
    public RankingScores? ChosenLists => ListSource switch
    {
        ListSource.RankingHead => RankingHead,
        ListSource.RankingHeadOnly => RankingHeadOnlyLists?.Rated,
        ListSource.RatingHead => RatingHead,
        _ => Popularity,
    };

    /// <summary>
    /// A head serves lists only if its NDCG beats popularity's on the list users; between two heads that do,
    /// the higher NDCG wins and the ranking head wins a tie (it is trained for lists). With no list users there
    /// is nothing to judge on, so the preferred head serves: judging on users who get popularity from every
    /// source would only ever produce ties.
    /// </summary>
    /// <remarks>
    /// <paramref name="rankingHeadOnly"/> (the ranking head without the rating head's weighting) is the fallback of the
    /// weighted lists, not their rival: it serves only when the weighted lists did not win and it beats the winner
    /// (popularity or the rating head) strictly. Where the weighted lists beat popularity they serve even if the head
    /// alone scores a little higher, because they keep predicted dislikes out (generated 1M ratings, choice following
    /// taste: NDCG@10 0.331 weighted, 0.343 alone, but liked P@10 0.266 against 0.258 and disliked@10 0.4 % against
    /// 0.8 %); where users choose what is popular, the weighting costs the lists their hits and the head alone is what
    /// keeps up with popularity.
    /// </remarks>
    public static ListSource ChooseListSource(RankingScores? rankingHead, RankingScores? ratingHead, RankingScores? popularity, bool hasRankingHead,
        RankingScores? rankingHeadOnly = null)
    {
        var preferred = hasRankingHead ? ListSource.RankingHead : ListSource.RatingHead;
        if (popularity is not { Users: > 0 } pop) return preferred;
        var best = ListSource.Popularity;
        var bestNdcg = pop.Ndcg;
        if (ratingHead is { } rating && rating.Ndcg > bestNdcg) (best, bestNdcg) = (ListSource.RatingHead, rating.Ndcg);
        if (rankingHead is { } ranking && (ranking.Ndcg > bestNdcg || (best == ListSource.RatingHead && ranking.Ndcg >= bestNdcg)))
            (best, bestNdcg) = (ListSource.RankingHead, ranking.Ndcg);
        if (best != ListSource.RankingHead && rankingHeadOnly is { } only && only.Ndcg > bestNdcg) best = ListSource.RankingHeadOnly;
        return best;
    }
}
