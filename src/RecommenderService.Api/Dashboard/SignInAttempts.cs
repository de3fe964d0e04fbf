using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using RecommenderService.Api.Security;

namespace RecommenderService.Api.Dashboard;

/// <summary>
/// Sign-in attempts per client address, at the pace the API allows requests with a wrong key
/// (<see cref="RateLimitOptions.InvalidKeyPermitsPerSecond"/>, bursts of <see cref="RateLimitOptions.InvalidKeyBurst"/>): the form
/// must not be a faster way to guess an admin key than the API is. Off when rate limiting is.
/// </summary>
public sealed class SignInAttempts : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public SignInAttempts(IOptions<RateLimitOptions> options)
    {
        var limits = options.Value;
        _limiter = PartitionedRateLimiter.Create<string, string>(address => limits.Enabled
            ? RateLimitPartition.GetTokenBucketLimiter(address, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = limits.InvalidKeyBurst,
                TokensPerPeriod = limits.InvalidKeyPermitsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            })
            : RateLimitPartition.GetNoLimiter(address));
    }

    /// <summary>False when this address has used up its attempts for now.</summary>
    public bool TryAttempt(HttpContext context)
    {
        using var lease = _limiter.AttemptAcquire(context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
