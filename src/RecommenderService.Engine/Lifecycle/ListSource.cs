namespace RecommenderService.Engine;

/// <summary>Where a model version's lists come from: the head (or the fallback) that won on the holdout.</summary>
public enum ListSource
{
    /// <summary>The implicit-ALS ranking head, trained for lists.</summary>
    RankingHead,

    /// <summary>The rating head's predicted ratings, highest first.</summary>
    RatingHead,

    /// <summary>
    /// The popularity list the service serves (the newcomer list, <see cref="NewcomerJudging"/>): no head beat it on the
    /// holdout users who have history (<see cref="HoldoutReport.ChooseListSource"/>).
    /// </summary>
    Popularity,

    /// <summary>
    /// The ranking head alone, not weighted by the rating head (<see cref="ListScore.RankingOnly"/>): chosen only when
    /// the weighted lists did not beat the most-rated list and it beats the winner (see <see cref="HoldoutReport.ChooseListSource"/>). Where users choose what is popular rather than what they
    /// like, the ranking head leans towards popularity and weighting it by predicted stars costs the lists their
    /// hits (generated 1M ratings, choice following popularity: NDCG@10 0.294 weighted, 0.324 alone, popularity 0.323).
    /// </summary>
    RankingHeadOnly,
}
