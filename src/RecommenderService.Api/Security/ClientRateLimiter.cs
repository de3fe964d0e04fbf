using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace RecommenderService.Api.Security;

/// <summary>
/// A token bucket per client key (ASP.NET Core's built-in limiter): one noisy frontend cannot starve the
/// others. Requests that present a key that is not valid share a (small) bucket per client address, so
/// keys cannot be guessed at full speed. Admin keys and anonymous probes are not limited. Rejections are
/// 429 problems with Retry-After.
/// </summary>
public static class ClientRateLimiter
{
    public static void Configure(RateLimiterOptions limiter, RateLimitOptions options)
    {
        limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            var user = context.User;
            if (!options.Enabled)
                return RateLimitPartition.GetNoLimiter("unlimited");
            if (user.Identity?.IsAuthenticated != true)
            {
                // Authentication ran first: credentials were presented and refused.
                if (!PresentsCredentials(context.Request)) return RateLimitPartition.GetNoLimiter("unlimited");
                return RateLimitPartition.GetTokenBucketLimiter("invalid-key:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown"),
                    _ => Bucket(options.InvalidKeyBurst, options.InvalidKeyPermitsPerSecond));
            }
            if (user.IsInRole(ApiKeyDefaults.AdminRole))
                return RateLimitPartition.GetNoLimiter("unlimited");
            return RateLimitPartition.GetTokenBucketLimiter(user.Identity.Name ?? "client", _ => Bucket(options.ClientBurst, options.ClientPermitsPerSecond));
        });
        limiter.OnRejected = async (context, cancellationToken) =>
        {
            context.HttpContext.RequestServices.GetRequiredService<RateLimitMetrics>().Rejected();
            var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
            context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context.HttpContext,
                ProblemDetails =
                {
                    Status = StatusCodes.Status429TooManyRequests,
                    Title = "Too many requests",
                    Detail = context.HttpContext.User.Identity?.IsAuthenticated == true
                        ? $"This API key may make {options.ClientPermitsPerSecond} requests per second (bursts of {options.ClientBurst}). Retry after the Retry-After interval."
                        : $"Too many requests with an invalid API key from this address (at most {options.InvalidKeyPermitsPerSecond} a second). Retry after the Retry-After interval, with a valid key.",
                },
            });
        };
    }

    private static TokenBucketRateLimiterOptions Bucket(int burst, int perSecond) => new()
    {
        TokenLimit = burst,
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static bool PresentsCredentials(HttpRequest request) =>
        !string.IsNullOrEmpty(request.Headers[ApiKeyDefaults.HeaderName].ToString()) || request.Headers.Authorization.Count > 0;
}
