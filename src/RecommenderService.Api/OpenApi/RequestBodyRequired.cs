using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace RecommenderService.Api.OpenApi;

/// <summary>
/// A route that declares its body with <c>.Accepts&lt;T&gt;()</c> needs one, even when its handler reads the body
/// itself or takes it as nullable to word its own error: the document says so.
/// </summary>
public sealed class RequestBodyRequired : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (operation.RequestBody is OpenApiRequestBody body
            && context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<IAcceptsMetadata>().Any(a => !a.IsOptional))
            body.Required = true;
    }
}
