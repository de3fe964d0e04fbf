using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace RecommenderService.Api.Infrastructure;

/// <summary>
/// Turns the exceptions a caller can cause or should know about into clear problems: malformed or
/// oversized bodies (400/413 with what was wrong) and an unreachable database (503, "try again").
/// Anything else falls through to the generic 500 problem, without a stack trace.
/// </summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : "Malformed request", Describe(bad)),
            NpgsqlException or TimeoutException when IsDatabaseOutage(exception) =>
                (StatusCodes.Status503ServiceUnavailable, "Database unavailable",
                 "The rating store is not reachable right now; nothing was changed. Try again shortly."),
            _ => (0, "", ""),
        };
        if (status == 0) return false;

        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            logger.LogWarning("Database unavailable for {Method} {Path}: {Error}", context.Request.Method, context.Request.Path, exception.Message);
            context.Response.Headers.RetryAfter = "5";
        }
        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    private static string Describe(BadHttpRequestException exception)
    {
        // System.Text.Json says where the body went wrong ("Path: $.ratings[3].rating"), which is what a caller needs.
        var json = exception.InnerException as JsonException;
        return json is null ? exception.Message : $"{exception.Message} {json.Message}";
    }

    private static bool IsDatabaseOutage(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.IsTransient || UnavailableStates.Contains(postgres.SqlState)
                                      || postgres.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is System.Net.Sockets.SocketException or IOException or TimeoutException,
        TimeoutException => true,
        _ => false,
    };

    /// <summary>Server answers that mean "not available now" rather than "your request is wrong".</summary>
    private static readonly HashSet<string> UnavailableStates =
    [
        "57P01", // admin_shutdown
        "57P02", // crash_shutdown
        "57P03", // cannot_connect_now
        "53300", // too_many_connections
        "55000", // object_not_in_prerequisite_state: database not accepting connections
        "3D000", // invalid_catalog_name: the database is gone
    ];
}
