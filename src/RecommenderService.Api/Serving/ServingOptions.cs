using System.ComponentModel.DataAnnotations;

namespace RecommenderService.Api.Serving;

/// <summary>Settings of the recommendation path (section <c>Serving</c>).</summary>
public sealed class ServingOptions
{
    public const string SectionName = "Serving";

    /// <summary>λ of the ridge regression that folds a user in against the fixed item factors.</summary>
    [Range(1e-6, 1000)]
    public float FoldInRegularization { get; set; } = 0.1f;

    /// <summary>How many users' ratings (and folded vectors) a replica keeps in memory.</summary>
    [Range(0, 100_000_000)]
    public int UserCacheSize { get; set; } = 200_000;
}
