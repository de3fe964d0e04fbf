using Serilog;
using Serilog.Events;

using RecommenderService.Api.Privacy;

namespace RecommenderService.Api.Observability;

/// <summary>
/// What a request log line says of the request: its method and route template (never the path, which carries user
/// ids), its status and time, and a keyed hash of the user it concerns, so one user's lines can still be found by
/// whoever holds the key, and no line names them once they are erased.
/// </summary>
public static class RequestLogFields
{
    /// <summary>Stands for the path of a request that matched no route.</summary>
    public const string NoRoute = "(no route)";

    /// <summary>The route template, e.g. <c>/api/v1/users/{userId}/recommendations</c>.</summary>
    public static string Route(HttpContext context) =>
        context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } template }
            ? (template.StartsWith('/') ? template : "/" + template)
            : NoRoute;

    /// <summary>The properties of the request line's message template.</summary>
    public static IEnumerable<LogEventProperty> Properties(HttpContext context, string _, double elapsedMs, int statusCode) =>
    [
        new("RequestMethod", new ScalarValue(context.Request.Method)),
        new("RequestRoute", new ScalarValue(Route(context))),
        new("StatusCode", new ScalarValue(statusCode)),
        new("Elapsed", new ScalarValue(elapsedMs)),
    ];

    /// <summary>Adds the keyed hash of the route's user, when the route names one.</summary>
    public static void AddUserKey(IDiagnosticContext diagnostics, HttpContext context)
    {
        if (context.GetRouteValue("userId") is string userId)
            diagnostics.Set("UserKey", context.RequestServices.GetRequiredService<KeyedIds>().LogKey(userId));
    }
}
