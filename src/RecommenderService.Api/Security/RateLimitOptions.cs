using System.ComponentModel.DataAnnotations;

namespace RecommenderService.Api.Security;

/// <summary>
/// Per-key request budget for client keys (section <c>RateLimiting</c>); admin keys are not limited.
/// Requests with a key that is not valid get a budget per client address, so keys cannot be guessed at full speed.
/// </summary>
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

    /// <summary>Sustained requests per second, per client address, that present an invalid key.</summary>
    [Range(1, 1_000_000)]
    public int InvalidKeyPermitsPerSecond { get; set; } = 5;

    /// <summary>Bursts of requests with an invalid key per client address (the token bucket's size).</summary>
    [Range(1, 10_000_000)]
    public int InvalidKeyBurst { get; set; } = 20;
}
