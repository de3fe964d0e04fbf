namespace RecommenderService.Api.Outcomes.Impressions;

/// <summary>
/// Records the impression of a list route's answer after the answer is sent, and only when it was a 200 with the list:
/// a conditional GET answered 304 shows the client the list (and the id) it already has, whose impression was
/// recorded when it was first sent. Placed after <c>WithETag</c>, so it sees the list before the ETag filter turns it
/// into bytes or a 304.
/// </summary>
public sealed class ImpressionRecording : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var inner = result;
        while (inner is INestedHttpResult nested) inner = nested.Result;
        if (inner is IValueHttpResult { Value: IListResponse { Impression: { } impression } })
        {
            var http = context.HttpContext;
            var queue = http.RequestServices.GetRequiredService<ImpressionQueue>();
            if (queue.Enabled)
                http.Response.OnCompleted(static state =>
                {
                    var (response, queue, impression) = ((HttpResponse, ImpressionQueue, Impression))state;
                    if (response.StatusCode == StatusCodes.Status200OK) queue.Record(impression);
                    return Task.CompletedTask;
                }, (http.Response, queue, impression));
        }
        return result;
    }
}

/// <summary>Adds <see cref="ImpressionRecording"/> to a list route.</summary>
public static class ImpressionRecordingExtensions
{
    public static RouteHandlerBuilder RecordsImpressions(this RouteHandlerBuilder builder) => builder.AddEndpointFilter(new ImpressionRecording());
}
