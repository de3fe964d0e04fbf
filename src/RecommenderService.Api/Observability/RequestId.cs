using Serilog.Context;

namespace RecommenderService.Api.Observability;

/// <summary>
/// <c>X-Request-Id</c> on every response: a client's own id when it sent a usable one (so its logs and ours
/// meet), else a new one. The id is the request's TraceIdentifier and a property of every log event written
/// while the request runs, the request log line included. A generated id is the request's OpenTelemetry trace
/// id, so the id a client reports finds the trace.
/// </summary>
public sealed class RequestId(RequestDelegate next)
{
    public const string HeaderName = "X-Request-Id";

    /// <summary>Longer ids are not ids but payloads; refusing them keeps log lines bounded.</summary>
    public const int MaxLength = 128;

    public async Task InvokeAsync(HttpContext context)
    {
        var incoming = context.Request.Headers[HeaderName].ToString();
        string id;
        if (IsUsable(incoming))
        {
            id = incoming;
            TraceRequestId.Supplied(id); // the trace carries the caller's id, so the two can be matched
        }
        else
        {
            id = TraceRequestId.Generate(context); // the trace id: the request id and the trace agree
        }
        context.TraceIdentifier = id;
        // Set when the headers go out: an error handler that clears the response must not lose it.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[HeaderName] = id;
            return Task.CompletedTask;
        });
        using (LogContext.PushProperty("RequestId", id))
            await next(context);
    }

    /// <summary>Letters, digits and <c>-_.:</c> only: nothing that could forge a log line or a header.</summary>
    public static bool IsUsable(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= MaxLength
        && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');
}
