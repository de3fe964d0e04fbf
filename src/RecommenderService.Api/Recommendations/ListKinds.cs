namespace RecommenderService.Api.Recommendations;

/// <summary>The closed sets an impression is labelled from: which route served it and what ordered it.</summary>
public static class ListKinds
{
    public const string Recommendations = "recommendations";
    public const string Popular = "popular";
    public const string Similar = "similar";

    /// <summary>The strategy of a similar-items list (those responses carry none of their own).</summary>
    public const string SimilarStrategy = "similar";

    /// <summary>The source of a similar-items list: the cosine of the model's item factors.</summary>
    public const string ItemFactors = "item_factors";

    /// <summary>Every strategy an impression can carry.</summary>
    public static readonly string[] Strategies =
    [
        RecommendationStrategy.Model, RecommendationStrategy.FoldedIn, RecommendationStrategy.Profile, RecommendationStrategy.Onboarding,
        RecommendationStrategy.Popularity, SimilarStrategy,
    ];

    /// <summary>Every source an impression can carry.</summary>
    public static readonly string[] Sources = [ServingMetrics.Source.RankingHead, ServingMetrics.Source.RatingHead, ServingMetrics.Source.Popularity, ItemFactors];
}
