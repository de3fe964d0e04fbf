using Serilog.Context;

namespace RecommenderService.Api.Observability;

/// <summary>
/// Gives every response an <c>X-Request-Id</c>: the caller's own when it sent a well-formed one, otherwise
/// the request's trace id, so an id a user quotes from a response finds the trace (and the log lines, which
/// carry it as <c>RequestId</c>) directly. A caller's id is also put on the request's span as <c>request.id</c>.
/// (Issue 12 brings an X-Request-Id middleware of its own; when both meet, one stays and calls
/// <see cref="TraceRequestId"/> for the ids it generates.)
/// </summary>
public sealed class RequestIdMiddleware(RequestDelegate next)
{
    public const string HeaderName = "X-Request-Id";

    /// <summary>Longest caller-supplied id accepted; longer or odd ones are ignored (the trace id is used).</summary>
    public const int MaxLength = 128;

    public async Task InvokeAsync(HttpContext context)
    {
        var supplied = context.Request.Headers[HeaderName].ToString();
        string id;
        if (IsWellFormed(supplied))
        {
            id = supplied;
            TraceRequestId.Supplied(id);
        }
        else
        {
            id = TraceRequestId.Generate(context);
        }
        context.TraceIdentifier = id;
        // On starting, not now: the exception handler clears the headers before it writes its problem.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[HeaderName] = id;
            return Task.CompletedTask;
        });
        using (LogContext.PushProperty("RequestId", id))
            await next(context);
    }

    /// <summary>Printable ASCII without spaces or separators that could break a log line or a header.</summary>
    public static bool IsWellFormed(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxLength) return false;
        foreach (var c in id)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':')) return false;
        return true;
    }
}
