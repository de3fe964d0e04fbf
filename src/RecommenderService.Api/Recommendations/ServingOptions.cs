using System.ComponentModel.DataAnnotations;

namespace RecommenderService.Api.Recommendations;

/// <summary>Settings of the recommendation path (section <c>Serving</c>).</summary>
public sealed class ServingOptions
{
    public const string SectionName = "Serving";

    /// <summary>
    /// λ per rating of the ridge regression that folds a user in against the fixed item factors; the solve
    /// uses λ × (number of the user's ratings the model knows), which is what per-rating SGD penalties add up
    /// to, so a folded-in user is regularised like a trained one. Default: the trainer's λ.
    /// </summary>
    [Range(1e-6, 1000)]
    public float FoldInRegularization { get; set; } = new Engine.TrainingOptions().Regularization;

    /// <summary>
    /// λ, in total, of the fold-in of a user with a profile the model can read: how many ratings' worth of evidence the
    /// profile counts as (the fold-in is pulled toward the profile's vector instead of toward 0). Default: the engine's,
    /// chosen by <c>recsys evaluate --cold-users</c> (docs/benchmarks.md).
    /// </summary>
    [Range(1e-6, 1000)]
    public float ProfileFoldInRegularization { get; set; } = Engine.ColdUsers.DefaultPriorRegularization;

    /// <summary>How many users' ratings (and folded vectors) a replica keeps in memory.</summary>
    [Range(0, 100_000_000)]
    public int UserCacheSize { get; set; } = 200_000;

    /// <summary>
    /// Whether a replica reads every user's ratings into the user cache in one pass when it loads a model (at start-up and
    /// on preload, once until the next bulk import clears the cache), so first lists need no database read. The pass runs
    /// in the background: no load, rollout or swap waits for it, and until it ends a first list reads as without it.
    /// Costs the memory of up to <see cref="UserCacheSize"/> users at once.
    /// </summary>
    public bool WarmUserCache { get; set; } = true;
}
