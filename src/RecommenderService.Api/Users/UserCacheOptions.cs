using System.ComponentModel.DataAnnotations;

namespace RecommenderService.Api.Users;

/// <summary>Settings of the user cache (section <c>Serving</c>, beside the recommendation path's own).</summary>
public sealed class UserCacheOptions
{
    public const string SectionName = "Serving";

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
