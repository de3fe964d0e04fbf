using System.Globalization;
using RecommenderService.Api.Security;

namespace RecommenderService.Api.Model;

/// <summary>
/// The job dashboard's job pages answer 404 for an id that cannot be a job (not a positive whole number that fits
/// a bigint, as Hangfire's PostgreSQL storage keys jobs): the dashboard itself failed on them with a 500, which
/// set off the 5xx alert. Runs after authorization, so only an admin learns anything from the answer.
/// </summary>
public sealed class DashboardJobIds(RequestDelegate next)
{
    private static readonly PathString JobPages = ApiKeyDefaults.DashboardPath + "/jobs/details";

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments(JobPages, out var rest) && !IsJobId(rest.Value))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status404NotFound,
                    Title = "Job not found",
                    Detail = "A job id is a positive whole number, as the dashboard's job lists show it.",
                },
            });
            return;
        }
        await next(context);
    }

    /// <summary>"/123" (the rest of the path after <c>/jobs/details</c>).</summary>
    private static bool IsJobId(string? rest) =>
        rest is { Length: > 1 } && rest[0] == '/'
        && long.TryParse(rest.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0;
}
