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
/// <param name="MostRated">
/// The most-rated list on those users (the yardstick: "most popular"); null without list users. What the service serves
/// as popularity is <see cref="ServedPopularityLists"/>.
/// </param>
/// <param name="ListSource">The source that won (see <see cref="HoldoutReport.ChooseListSource"/>).</param>
public sealed record HoldoutReport(
    double Rmse, double Mae, double BaselineRmse, int HoldoutRatings, int WarmRatings, double WarmRmse, double WarmBaselineRmse, int ListUsers,
    RankingScores? RankingHead, RankingScores? RatingHead, RankingScores? MostRated, ListSource ListSource)
{
    /// <summary>The ranking head's lists judged both ways (any held-out item, liked) with disliked@10.</summary>
    public ListMetrics? RankingHeadLists { get; init; }

    /// <summary>The ranking head's lists without the rating head's weighting (<see cref="ListScore.RankingOnly"/>), judged both ways.</summary>
    public ListMetrics? RankingHeadOnlyLists { get; init; }

    /// <summary>The rating head's lists judged both ways with disliked@10.</summary>
    public ListMetrics? RatingHeadLists { get; init; }

    /// <summary>The most-rated lists judged both ways with disliked@10.</summary>
    public ListMetrics? MostRatedLists { get; init; }

    /// <summary>
    /// The list the service serves as popularity (the newcomer list, <see cref="NewcomerListReport.Served"/>) judged both
    /// ways on the users with history: what they get when <see cref="ListSource"/> is <see cref="ListSource.Popularity"/>.
    /// Null when not judged (then the most-rated list stands in for it).
    /// </summary>
    public ListMetrics? ServedPopularityLists { get; init; }

    /// <summary>Every popularity list judged on the holdout's newcomers, and the one they are served.</summary>
    public NewcomerListReport? NewcomerLists { get; init; }

    /// <summary>The chosen source's lists judged both ways (null when lists could not be judged).</summary>
    public ListMetrics? ChosenListScores => ListSource switch
    {
        ListSource.RankingHead => RankingHeadLists,
        ListSource.RankingHeadOnly => RankingHeadOnlyLists,
        ListSource.RatingHead => RatingHeadLists,
        _ => ServedPopularityLists ?? MostRatedLists,
    };

    /// <summary>The list scores of the chosen source (null when lists could not be judged).</summary>
    public RankingScores? ChosenLists => ListSource switch
    {
        ListSource.RankingHead => RankingHead,
        ListSource.RankingHeadOnly => RankingHeadOnlyLists?.Rated,
        ListSource.RatingHead => RatingHead,
        _ => ServedPopularityLists?.Rated ?? MostRated,
    };

    /// <summary>
    /// The list users with history are served: the best by NDCG on the list users among what could be served, the
    /// weighted ranking head, the rating head and the served popularity list (<paramref name="servedPopularity"/>, the
    /// newcomer list; the
    /// ranking head wins a tie with the rating head, a head must beat popularity strictly). With no list users there is
    /// nothing to judge on, so the preferred head serves: judging on users who get popularity from every source would
    /// only ever produce ties.
    /// </summary>
    /// <remarks>
    /// <para><paramref name="mostRated"/>, the most-rated list, is the yardstick, not a source: the service serves the
    /// newcomer list as popularity (<see cref="NewcomerJudging"/>), which need not be the most-rated one (the damped mean,
    /// if pinned, is a much weaker list of what users will pick: MovieLens-100k, per-user 75/25, P@10 0.112 against 0.225
    /// for most-rated). Choosing "popularity" because the most-rated list won and then serving another list would serve
    /// a list that lost. Without <paramref name="servedPopularity"/>, the most-rated list stands in for it.</para>
    /// <para><paramref name="rankingHeadOnly"/> (the ranking head without the rating head's weighting) is the fallback of
    /// the weighted lists, not their rival: it serves only when the weighted lists did not hold up and it beats the
    /// winner strictly. The weighted lists hold up when they win and also beat the most-rated list; where they lose to
    /// it, users choose what is popular rather than what they like, the weighting costs the lists their hits and the
    /// head alone is what keeps up. Where the weighted lists hold up they serve even if the head alone scores a little
    /// higher, because they keep predicted dislikes out (generated 1M ratings, choice following taste: NDCG@10 0.331
    /// weighted, 0.343 alone, but liked P@10 0.266 against 0.258 and disliked@10 0.4 % against 0.8 %).</para>
    /// </remarks>
    public static ListSource ChooseListSource(RankingScores? rankingHead, RankingScores? ratingHead, RankingScores? mostRated, bool hasRankingHead,
        RankingScores? rankingHeadOnly = null, RankingScores? servedPopularity = null)
    {
        var preferred = hasRankingHead ? ListSource.RankingHead : ListSource.RatingHead;
        if (mostRated is not { Users: > 0 } yardstick) return preferred;
        var best = ListSource.Popularity;
        var bestNdcg = (servedPopularity ?? yardstick).Ndcg;
        if (ratingHead is { } rating && rating.Ndcg > bestNdcg) (best, bestNdcg) = (ListSource.RatingHead, rating.Ndcg);
        if (rankingHead is { } ranking && (ranking.Ndcg > bestNdcg || (best == ListSource.RatingHead && ranking.Ndcg >= bestNdcg)))
            (best, bestNdcg) = (ListSource.RankingHead, ranking.Ndcg);
        var weightedHoldUp = best == ListSource.RankingHead && rankingHead!.Value.Ndcg > yardstick.Ndcg;
        if (!weightedHoldUp && rankingHeadOnly is { } only && only.Ndcg > bestNdcg) best = ListSource.RankingHeadOnly;
        return best;
    }
}
