using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace RecommenderService.Api.OpenApi;

/// <summary>
/// Route metadata: an example body for a request that is not JSON (a CSV upload), which no contract type can
/// carry. Swagger UI sends it as it stands, so it must succeed.
/// </summary>
public sealed record RequestBodyExample(string ContentType, string Example);

/// <summary>Puts each route's <see cref="RequestBodyExample"/> on its request body.</summary>
public sealed class RequestBodyExamples : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        foreach (var example in context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<RequestBodyExample>())
            if (operation.RequestBody?.Content?.TryGetValue(example.ContentType, out var media) == true && media is OpenApiMediaType target)
                target.Example = JsonValue.Create(example.Example);
    }
}
