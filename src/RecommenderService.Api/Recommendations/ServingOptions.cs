using System.ComponentModel.DataAnnotations;

namespace RecommenderService.Api.Recommendations;

/// <summary>Settings of the recommendation path (section <c>Serving</c>; the user cache's are <c>UserCacheOptions</c>).</summary>
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
}
