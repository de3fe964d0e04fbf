using Microsoft.OpenApi;
using RecommenderService.Api.Security;

namespace RecommenderService.Api.OpenApi;

/// <summary>
/// The OpenAPI document (served at <c>/swagger/v1/swagger.json</c>, committed as <c>docs/openapi.json</c>): its
/// header, its security scheme and the filters that make it exact for generated clients. The filters work from
/// the routes' metadata and the contract types' attributes, so a new route or field comes out exact without
/// extra work here.
/// </summary>
public static class OpenApiDocumentRegistration
{
    public const string DocumentName = "v1";

    public static void AddOpenApiDocument(this WebApplicationBuilder builder)
    {
        builder.Services.AddEndpointsApiExplorer();
        builder.Services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc(DocumentName, new OpenApiInfo
            {
                Title = "Recommender Service",
                Version = "v1",
                Description = """
                    Send ratings (user, item, stars) and get back each user's top items, predicted ratings, popular and
                    similar items. Every call needs an API key in the X-Api-Key header: a client key for ratings, items
                    and recommendations, an admin key for imports, erasure and the model lifecycle (press Authorize).
                    Errors are problem details (application/problem+json) with a traceId.
                    """,
            });
            // Relative: requests go to whichever host serves this document (Swagger UI, a local run, a replica).
            options.AddServer(new OpenApiServer { Url = "/", Description = "The service that serves this document" });
            options.AddSecurityDefinition(ApiKeyDefaults.Scheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyDefaults.HeaderName,
                Description = "A client key (ratings, items, recommendations, reading the model) or an admin key (everything).",
            });

            options.SupportNonNullableReferenceTypes();
            options.NonNullableReferenceTypesAsRequired();
            options.SchemaFilter<ContractSchemaFilter>();
            options.ParameterFilter<ParameterSchemaFilter>();
            options.OperationFilter<RequestBodyRequired>();
            options.OperationFilter<RequestBodyExamples>();
            options.OperationFilter<ProblemResponsesFilter>();
            options.DocumentFilter<ProblemSchema>();
            options.DocumentFilter<ResponseFieldsRequired>();
            options.DocumentFilter<SecurityRequirements>();

            var xml = Path.Combine(AppContext.BaseDirectory, "RecommenderService.Api.xml");
            if (File.Exists(xml)) options.IncludeXmlComments(xml);
        });
    }
}
