namespace RecommenderService.Api.Observability;

/// <summary>
/// Keeps request data out of metric labels and log lines: a method outside HTTP's registered ones (RFC 9110,
/// PATCH, TRACE, CONNECT) is answered 405 before the HTTP metrics see it, and recorded under the one value
/// <see cref="Other"/>. Otherwise every made-up method name was a new Prometheus series that never went away
/// (200 anonymous requests added 30 MB to <c>/metrics</c>).
/// </summary>
public sealed class KnownHttpMethods(RequestDelegate next)
{
    /// <summary>The method label and log value of every request with a method this service does not know.</summary>
    public const string Other = "OTHER";

    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        HttpMethods.Get, HttpMethods.Head, HttpMethods.Post, HttpMethods.Put, HttpMethods.Delete,
        HttpMethods.Options, HttpMethods.Patch, HttpMethods.Trace, HttpMethods.Connect,
    };

    public async Task InvokeAsync(HttpContext context)
    {
        if (Known.Contains(context.Request.Method))
        {
            await next(context);
            return;
        }
        context.Request.Method = Other;
        context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
        context.Response.Headers.Allow = "GET, HEAD, POST, PUT, DELETE, OPTIONS";
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status405MethodNotAllowed,
                Title = "Method not allowed",
                Detail = "This service answers GET, HEAD, POST, PUT, DELETE and OPTIONS only.",
            },
        });
    }
}
