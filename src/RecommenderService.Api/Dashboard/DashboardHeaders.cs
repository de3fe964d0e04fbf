namespace RecommenderService.Api.Dashboard;

/// <summary>
/// Response headers of every dashboard page: no script at all, styles and images from this host only, no framing,
/// and no caching of pages that show users' ratings. The pages need none of what this forbids.
/// </summary>
public sealed class DashboardHeaders(RequestDelegate next)
{
    private const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments(DashboardDefaults.Path))
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "same-origin";
                if (!context.Request.Path.StartsWithSegments(DashboardAssets.Path)) headers.CacheControl = "no-store";
                return Task.CompletedTask;
            });
        }
        return next(context);
    }
}
