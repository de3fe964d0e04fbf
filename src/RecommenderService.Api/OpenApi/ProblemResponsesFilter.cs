using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace RecommenderService.Api.OpenApi;

/// <summary>
/// Declares every error a route can answer, from what the pipeline does to it rather than from each route's
/// memory: a key-protected route can answer 401 and 429, an admin route 403, a route with a body 400, 413 and
/// 415, every API route 503 (database unreachable). Each error response is <c>application/problem+json</c> with
/// the <see cref="ProblemSchema"/> and a description in a caller's words. Statuses a route declares itself
/// (404, 409) get the same treatment.
/// </summary>
public sealed class ProblemResponsesFilter : IOperationFilter
{
    private static readonly Dictionary<int, string> Descriptions = new()
    {
        [400] = "The request is not valid; nothing was changed. `errors` names each field that is wrong (in a batch with the row, e.g. `ratings[17].rating`).",
        [401] = "No credentials, or ones the service does not accept: send a valid key in the X-Api-Key header, or a valid user token in Authorization: Bearer.",
        [403] = "The credentials are valid but may not do this: an admin route with a client key, or a user token acting on another user or on a route for servers.",
        [404] = "Not found: `detail` says what is missing.",
        [409] = "The request conflicts with the service's current state: `detail` says why and what to do.",
        [413] = "The body is larger than this route accepts; nothing was changed.",
        [415] = "The body's Content-Type is not one this route reads.",
        [429] = "This API key or user made too many requests; wait the number of seconds in the Retry-After header (RateLimit-* headers show the budget).",
        [503] = "The service cannot do this right now (the database is unreachable); nothing was changed. Try again after the Retry-After header's seconds.",
    };

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
        var needsKey = !metadata.OfType<IAllowAnonymous>().Any();

        operation.Responses ??= new OpenApiResponses();
        var declared = new SortedSet<int>(operation.Responses.Keys.Select(int.Parse).Where(code => code >= 400));
        // Every protected route can refuse a user token (another user, or a route for servers), not only admin ones.
        if (needsKey) declared.UnionWith([401, 403, 429, 503]);
        if (operation.RequestBody is not null) declared.UnionWith([400, 413, 415]);

        foreach (var status in declared)
        {
            var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            operation.Responses[key] = new OpenApiResponse
            {
                Description = Descriptions.GetValueOrDefault(status, "An error: `detail` says what went wrong."),
                Content = new Dictionary<string, IOpenApiMediaType>
                {
                    ["application/problem+json"] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(ProblemSchema.Id, context.Document) },
                },
            };
        }

        // Success first, then errors by status, whatever order the route declared them in.
        var ordered = operation.Responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        operation.Responses.Clear();
        foreach (var (code, response) in ordered) operation.Responses[code] = response;
    }
}
