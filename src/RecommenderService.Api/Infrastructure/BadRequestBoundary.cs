using Microsoft.AspNetCore.Diagnostics;

namespace RecommenderService.Api.Infrastructure;

/// <summary>
/// Answers a request the framework refused while binding it (a <see cref="BadHttpRequestException"/>: a
/// parameter that does not bind, a malformed body) right next to the endpoint, with the same problem as the
/// exception handler would write. Handled here, the exception never travels through the outer middleware, so
/// the request log line and the HTTP metrics record the 400 the client got, with its route, instead of the 500
/// of an exception in flight (which would also set off the 5xx alerts on hostile input).
/// </summary>
public sealed class BadRequestBoundary(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException exception) when (!context.Response.HasStarted)
        {
            foreach (var handler in context.RequestServices.GetServices<IExceptionHandler>())
                if (await handler.TryHandleAsync(context, exception, context.RequestAborted))
                    return;
            throw;
        }
    }
}
