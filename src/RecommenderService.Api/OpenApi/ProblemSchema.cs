using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace RecommenderService.Api.OpenApi;

/// <summary>
/// The one schema of every error (RFC 9457 problem details as this service writes them), replacing the
/// framework's two, which leave out <c>traceId</c> and mark every field optional.
/// </summary>
public sealed class ProblemSchema : IDocumentFilter
{
    public const string Id = "Problem";

    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas.Remove("ProblemDetails");
        document.Components.Schemas.Remove("HttpValidationProblemDetails");
        document.Components.Schemas[Id] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "An error (RFC 9457 problem details). Quote `traceId` when reporting it: the service's logs carry it.",
            Required = new HashSet<string> { "title", "status", "traceId" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A URI naming the kind of error." },
                ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A short summary of the kind of error." },
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status code." },
                ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What went wrong with this request, and what to do about it." },
                ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Identifies this request in the service's logs." },
                ["errors"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Description = "Validation errors (400 only): each field that is wrong (with the row index in a batch, the line in a CSV import) and its messages.",
                    AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
                },
            },
            Examples = [JsonNode.Parse("""
                {"type": "https://tools.ietf.org/html/rfc9110#section-15.5.1", "title": "The request is not valid", "status": 400,
                 "detail": "The rating was not stored.", "errors": {"rating": ["A rating must be a JSON number."]},
                 "traceId": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}
                """)!],
        };
    }
}
