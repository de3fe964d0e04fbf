using System.Diagnostics;

namespace RecommenderService.Api.Observability;

/// <summary>
/// Where request ids and traces meet: a request that brought no id of its own gets its trace id as its id,
/// so an id quoted from a response (or found in a log line) is the trace to open; an id the caller did bring
/// is put on the request's span (<c>request.id</c>) so that trace can be found from it too.
/// </summary>
public static class TraceRequestId
{
    /// <summary>The id of a request that brought none: its trace id (32 hex digits).</summary>
    public static string Generate(HttpContext context) =>
        Activity.Current?.TraceId.ToHexString() ?? context.TraceIdentifier;

    /// <summary>Records the caller's own id on the request's span.</summary>
    public static void Supplied(string id) => Activity.Current?.SetTag("request.id", id);
}
