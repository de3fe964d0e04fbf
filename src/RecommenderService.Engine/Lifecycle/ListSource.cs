namespace RecommenderService.Engine;

/// <summary>Where a model version's lists come from: the head (or the fallback) that won on the holdout.</summary>
public enum ListSource
{
    /// <summary>The implicit-ALS ranking head, trained for lists.</summary>
    RankingHead,

    /// <summary>The rating head's predicted ratings, highest first.</summary>
    RatingHead,

    /// <summary>The popularity list: neither head beat it on the holdout users who have history.</summary>
    Popularity,
}
