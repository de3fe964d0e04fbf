namespace RecommenderService.Api.Infrastructure;

/// <summary>
/// Completes problems the framework writes on its own: a <c>type</c> for 413 and 429 (ASP.NET Core fills
/// it for the common statuses only), and a <c>detail</c> for the 415 that routing answers when a body's
/// media type is not one the route accepts (no handler runs, so nothing else can say what to send).
/// </summary>
public static class ProblemTypes
{
    private static readonly Dictionary<int, string> Missing = new()
    {
        [StatusCodes.Status413PayloadTooLarge] = "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        [StatusCodes.Status429TooManyRequests] = "https://tools.ietf.org/html/rfc6585#section-4",
    };

    public static void Fill(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Type is null && problem.Status is { } status && Missing.TryGetValue(status, out var type))
            problem.Type = type;
        if (problem.Status == StatusCodes.Status415UnsupportedMediaType && string.IsNullOrEmpty(problem.Detail))
        {
            var request = context.HttpContext.Request;
            var expected = request.Path.Value?.EndsWith("/ratings/import", StringComparison.OrdinalIgnoreCase) == true
                ? "CSV (Content-Type: text/csv)"
                : "JSON (Content-Type: application/json)";
            problem.Detail = $"This route takes its body as {expected}; got '{request.ContentType}'.";
        }
    }
}
