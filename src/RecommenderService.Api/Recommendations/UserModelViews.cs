using System.Diagnostics;

using Microsoft.Extensions.Options;

using RecommenderService.Api.Model.Loading;
using RecommenderService.Api.Users;
using RecommenderService.Api.Users.Erasure;
using RecommenderService.Engine;

namespace RecommenderService.Api.Recommendations;

/// <summary>
/// Decides how the active model serves a user — its own vector, a folded-in one, or not at all — and
/// computes that view once per user and model version. A stored vector is used only for a user never
/// erased (<see cref="ErasedUsers"/>).
/// </summary>
public sealed class UserModelViews(IOptions<ServingOptions> options, ErasedUsers erased, ServingMetrics metrics)
{
    /// <summary>The view of <paramref name="user"/> in <paramref name="serving"/>, computed once per model (and set of cold items).</summary>
    public UserModelView For(ServingModel serving, UserRatings user)
    {
        if (user.Derived is UserModelView view && view.ModelVersion == serving.Version && view.ColdStamp == serving.ColdStamp) return view;
        // Two requests may compute it at once; both results are equal, the last write wins harmlessly.
        view = Compute(serving, user);
        user.Derived = view;
        return view;
    }

    /// <summary>
    /// The exact split of <paramref name="view"/>'s ranking scores over the user's rated items and the attributes they
    /// told: computed once from what the view was computed from and kept on the view. A user the model serves from its
    /// own row is explained as training solved that row (their ratings are those it was trained on); a folded-in,
    /// profile or onboarding user as <see cref="ColdUsers.Solve"/> solved theirs, from their profile as the prior.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model has no ranking head.</exception>
    public RankingReasons ReasonsFor(ServingModel serving, UserRatings user, UserModelView view)
    {
        if (view.Reasons is { } cached) return cached;
        var model = serving.Model;
        var (items, values) = Rated(model, user);
        var started = Stopwatch.GetTimestamp();
        var reasons = view.UserIndex >= 0
            ? RankingReasons.ForTrainedUser(model, items.ToArray(), values.ToArray())
            : RankingReasons.For(model, items.ToArray(), values.ToArray(), RankingPrior.For(model, user.Profile));
        metrics.Explained(Stopwatch.GetElapsedTime(started));
        // Two requests may compute it at once; both results are equal, the last write wins harmlessly.
        view.Reasons = reasons;
        return reasons;
    }

    /// <summary>The user's ratings of items the model knows, as model indices and values.</summary>
    private static (List<int> Items, List<float> Values) Rated(FactorModel model, UserRatings user)
    {
        var items = new List<int>(user.Count);
        var values = new List<float>(user.Count);
        for (var k = 0; k < user.Count; k++)
        {
            if (!model.Items.TryGetIndex(user.ItemIds[k], out var item)) continue; // an item newer than the model
            items.Add(item);
            values.Add(user.Values[k]);
        }
        return (items, values);
    }

    private UserModelView Compute(ServingModel serving, UserRatings user)
    {
        var model = serving.Model;
        var (items, values) = Rated(model, user);
        var rated = items.ToArray();
        Array.Sort(rated);

        // Strictly before: the snapshot holds every write that started before the cut-off, not one at it.
        var unchangedSinceTraining = user.ChangedAt is { } changed && changed < serving.DataCutoff;
        // A user erased once may be back with new ratings; the model's vector of them may still be the
        // one learnt before the erasure (a model trained or preloaded before it, or a rollback), so they are
        // folded in from their current ratings, which are all written after the erasure.
        if (unchangedSinceTraining && erased.MayUseStoredVector(user.UserId) && model.Users.TryGetIndex(user.UserId, out var userIndex))
            return new UserModelView(serving.Version, RecommendationStrategy.Model, model.UserBias[userIndex], null, rated,
                ColdStamp: serving.ColdStamp, UserIndex: userIndex);

        // What the user told the service (a profile the user map reads, likes the item map reads) is the prior of
        // their fold-in, and without ratings their whole vector.
        var likes = ColdUsers.UsableLikes(model, user.Profile.Likes);
        var hasPrior = likes > 0 || ColdUsers.FromProfile(model, user.Profile.Profile) is not null;
        if (items.Count == 0)
        {
            var cold = hasPrior ? ColdUsers.Solve(model, user.Profile, [], [], options.Value.ProfileFoldInRegularization) : null;
            return cold is null
                ? new UserModelView(serving.Version, RecommendationStrategy.Popularity, 0, null, rated, ColdStamp: serving.ColdStamp)
                : new UserModelView(serving.Version, likes > 0 ? RecommendationStrategy.Onboarding : RecommendationStrategy.Profile,
                    cold.Bias, cold.Factors, rated, cold.RankingFactors, serving.ColdStamp);
        }

        // Both heads are folded in from the same ratings, each against its own fixed item factors.
        var started = Stopwatch.GetTimestamp();
        var folded = ColdUsers.Solve(model, hasPrior ? user.Profile : ProfileTokens.None, items.ToArray(), values.ToArray(),
            hasPrior ? options.Value.ProfileFoldInRegularization : options.Value.FoldInRegularization * items.Count)!;
        metrics.FoldedIn(Stopwatch.GetElapsedTime(started));
        return new UserModelView(serving.Version, RecommendationStrategy.FoldedIn, folded.Bias, folded.Factors, rated, folded.RankingFactors,
            serving.ColdStamp);
    }
}
