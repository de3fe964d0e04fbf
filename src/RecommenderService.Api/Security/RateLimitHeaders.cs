using System.Globalization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace RecommenderService.Api.Security;

/// <summary>
/// The caller's budget in the IETF draft headers <c>RateLimit-Limit</c> (the bucket size),
/// <c>RateLimit-Remaining</c> (requests left now) and <c>RateLimit-Reset</c> (seconds until the bucket is
/// full again), on every response of a rate-limited caller, 429s included, so a client can slow down before
/// it is refused. Unlimited callers (admin keys, probes) get none. Sits before the rate limiter and reads
/// its state when the headers go out.
/// </summary>
public sealed class RateLimitHeaders(RequestDelegate next, IOptions<RateLimiterOptions> limiter, IOptions<RateLimitOptions> options)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (options.Value.Enabled && limiter.Value.GlobalLimiter is { } global)
            context.Response.OnStarting(() =>
            {
                // A partition without a limit reports no statistics; a token bucket reports its tokens.
                if (global.GetStatistics(context) is { } statistics && statistics.CurrentAvailablePermits < int.MaxValue)
                {
                    var limit = options.Value.ClientBurst;
                    var remaining = Math.Clamp(statistics.CurrentAvailablePermits, 0, limit);
                    var reset = (int)Math.Ceiling((double)(limit - remaining) / options.Value.ClientPermitsPerSecond);
                    var headers = context.Response.Headers;
                    headers["RateLimit-Limit"] = limit.ToString(CultureInfo.InvariantCulture);
                    headers["RateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
                    headers["RateLimit-Reset"] = reset.ToString(CultureInfo.InvariantCulture);
                }
                return Task.CompletedTask;
            });
        return next(context);
    }
}
