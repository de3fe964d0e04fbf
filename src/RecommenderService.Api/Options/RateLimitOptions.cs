using System.ComponentModel.DataAnnotations;

namespace RecommenderService.Api.Options;

/// <summary>Per-key request budget for client keys (section <c>RateLimiting</c>); admin keys are not limited.</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimiting";

    public bool Enabled { get; set; } = true;

    /// <summary>Sustained requests per second per client key.</summary>
    [Range(1, 1_000_000)]
    public int ClientPermitsPerSecond { get; set; } = 200;

    /// <summary>Short bursts above the sustained rate (the token bucket's size).</summary>
    [Range(1, 10_000_000)]
    public int ClientBurst { get; set; } = 400;
}
