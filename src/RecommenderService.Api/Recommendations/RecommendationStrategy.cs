namespace RecommenderService.Api.Recommendations;

/// <summary>The three ways a list is made, as API.md names them in responses.</summary>
public static class RecommendationStrategy
{
    /// <summary>The user is in the active model and has not rated anything since it was trained.</summary>
    public const string Model = "model";

    /// <summary>The user's vector is solved on the spot from their current ratings, item factors fixed.</summary>
    public const string FoldedIn = "folded-in";

    /// <summary>No ratings (cold start) or no active model: the damped-mean popularity list.</summary>
    public const string Popularity = "popularity";
}
