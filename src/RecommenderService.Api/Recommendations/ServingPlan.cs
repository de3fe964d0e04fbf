namespace RecommenderService.Api.Recommendations;

/// <summary>How one request serves one user, decided once by <see cref="ServingPlans"/>.</summary>
/// <param name="Strategy">One of <see cref="RecommendationStrategy"/>: what the answer says it is.</param>
/// <param name="User">The user's ratings and profile; null when the database could not be read.</param>
/// <param name="View">The user's view in the served model when the model ranks their list; null for popularity.</param>
/// <param name="Degraded">Served without the database: no exclusions, from what this replica holds in memory.</param>
public sealed record ServingPlan(string Strategy, Users.UserRatings? User, UserModelView? View, bool Degraded)
{
    public static ServingPlan Popular(Users.UserRatings? user, bool degraded = false) =>
        new(RecommendationStrategy.Popularity, user, null, degraded);
}
