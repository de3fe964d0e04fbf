using Microsoft.AspNetCore.Http;

namespace RecommenderService.Api.Infrastructure;

/// <summary>
/// Gives every problem a <c>type</c>: ASP.NET Core fills it for the common statuses but not for 413 or
/// 429, which callers of this service meet often enough to branch on.
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
    }
}
