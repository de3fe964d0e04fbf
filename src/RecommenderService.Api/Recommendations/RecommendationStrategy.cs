namespace RecommenderService.Api.Recommendations;

/// <summary>The ways a list is made, as API.md names them in responses.</summary>
public static class RecommendationStrategy
{
    /// <summary>The user is in the active model and has not rated anything since it was trained.</summary>
    public const string Model = "model";

    /// <summary>The user's vector is solved on the spot from their current ratings, item factors fixed.</summary>
    public const string FoldedIn = "folded-in";

    /// <summary>
    /// No ratings the model knows, but a stored profile it can read (<c>PUT /api/v1/users/{userId}</c>): the user's vectors
    /// come from the model's user attribute map.
    /// </summary>
    public const string Profile = "profile";

    /// <summary>
    /// No ratings the model knows, but onboarding likes (<c>"likes"</c> in the profile) it can read through the item
    /// attribute map, with the rest of the profile when there is one.
    /// </summary>
    public const string Onboarding = "onboarding";

    /// <summary>No ratings (cold start) and no usable profile, or no active model: the damped-mean popularity list.</summary>
    public const string Popularity = "popularity";
}
