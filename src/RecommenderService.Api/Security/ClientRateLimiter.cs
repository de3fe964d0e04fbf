using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using RecommenderService.Api.Observability;
using RecommenderService.Api.Options;

namespace RecommenderService.Api.Security;

/// <summary>
/// A token bucket per client key (ASP.NET Core's built-in limiter): one noisy frontend cannot starve the
/// others. Admin keys and anonymous probes are not limited. Rejections are 429 problems with Retry-After.
/// </summary>
public static class ClientRateLimiter
{
    public static void Configure(RateLimiterOptions limiter, RateLimitOptions options)
    {
        limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            var user = context.User;
            if (!options.Enabled || user.Identity?.IsAuthenticated != true || user.IsInRole(ApiKeyDefaults.AdminRole))
                return RateLimitPartition.GetNoLimiter("unlimited");
            return RateLimitPartition.GetTokenBucketLimiter(user.Identity.Name ?? "client", _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = options.ClientBurst,
                TokensPerPeriod = options.ClientPermitsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
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
                    Detail = $"This API key may make {options.ClientPermitsPerSecond} requests per second (bursts of {options.ClientBurst}). Retry after the Retry-After interval.",
                },
            });
        };
    }
}
