using Npgsql;

using RecommenderService.Api.Model.Loading;
using RecommenderService.Api.Users;
using RecommenderService.Api.Users.Erasure;
using RecommenderService.Engine;

namespace RecommenderService.Api.Recommendations;

/// <summary>
/// Decides, once per request, how the served model serves a user: their own vectors (<c>model</c>), vectors solved on the
/// spot (<c>folded-in</c>, <c>profile</c>, <c>onboarding</c>), the popular list, or, with the database down, what this
/// replica can still serve from memory. Every list and prediction asks here, so the rules live in one place.
/// </summary>
public sealed class ServingPlans(UserRatingsCache users, UserModelViews views, ErasedUsers erased, ILogger<ServingPlans> logger)
{
    /// <summary>The plan for a list from <paramref name="serving"/> (null: no model yet).</summary>
    public async Task<ServingPlan> ForListAsync(string userId, ServingModel? serving, CancellationToken cancellationToken)
    {
        UserRatings user;
        try
        {
            user = await users.GetAsync(userId, cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            return DuringOutage(userId, serving, ex);
        }
        // A model whose lists lost to popularity on its holdout serves predictions, not lists.
        if (serving is null || serving.ListSource == ListSource.Popularity || user.Count == 0 && user.Profile.IsEmpty)
            return ServingPlan.Popular(user);
        var view = views.For(serving, user);
        return view.Strategy == RecommendationStrategy.Popularity ? ServingPlan.Popular(user) : new ServingPlan(view.Strategy, user, view, false);
    }

    /// <summary>
    /// The user's view for a predicted rating, or null when the model cannot personalise it (the item's baseline answers).
    /// A prediction has no memory-only answer: without the database it fails like any read.
    /// </summary>
    public async Task<UserModelView?> ForPredictionAsync(string userId, ServingModel serving, CancellationToken cancellationToken)
    {
        var user = await users.GetAsync(userId, cancellationToken);
        if (user.Count == 0 && user.Profile.IsEmpty) return null;
        var view = views.For(serving, user);
        return view.HasVector ? view : null;
    }

    // No user id in these lines: the request line beside each (same RequestId) carries the keyed user hash.
    private ServingPlan DuringOutage(string userId, ServingModel? serving, Exception ex)
    {
        // An erased user is served as an unknown one is, never from the model's vector (which may predate the erasure).
        if (erased.IsErased(userId))
        {
            logger.LogWarning("Database unavailable ({Error}); serving an erased user from popularity", ex.Message);
            return ServingPlan.Popular(null, degraded: true);
        }
        // The model in memory knows this user: serve them rather than fail. Their rated items cannot be read, so none
        // are excluded.
        if (serving is not null && serving.ListSource != ListSource.Popularity && erased.MayUseStoredVector(userId)
            && serving.Model.Users.TryGetIndex(userId, out var index))
        {
            logger.LogWarning("Database unavailable ({Error}); serving a user from the model without exclusions", ex.Message);
            var view = new UserModelView(serving.Version, RecommendationStrategy.Model, serving.Model.UserBias[index], null, [],
                ColdStamp: serving.ColdStamp, UserIndex: index);
            return new ServingPlan(RecommendationStrategy.Model, null, view, Degraded: true);
        }
        // A newcomer, or one this replica never served: the popular list in memory is what any unknown user gets.
        logger.LogWarning("Database unavailable ({Error}); serving a user unknown to the model from popularity", ex.Message);
        return ServingPlan.Popular(null, degraded: true);
    }
}
