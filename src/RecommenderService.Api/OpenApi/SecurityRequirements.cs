using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace RecommenderService.Api.OpenApi;

/// <summary>
/// Puts a security requirement on exactly the operations that need credentials, offering every security scheme
/// the document defines as an alternative (an API key today; any scheme added later is offered too).
/// </summary>
public sealed partial class SecurityRequirements : IDocumentFilter
{
    /// <summary>"{version:int}" in a route template is "{version}" in the document's paths.</summary>
    private static readonly System.Text.RegularExpressions.Regex RouteConstraint = RouteConstraintPattern();

    [System.Text.RegularExpressions.GeneratedRegex(@"\{([^}:?]+)[^}]*\}")]
    private static partial System.Text.RegularExpressions.Regex RouteConstraintPattern();

    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        var schemes = document.Components?.SecuritySchemes?.Keys.ToList() ?? [];
        if (schemes.Count == 0 || document.Paths is null) return;

        var protectedOperations = context.ApiDescriptions
            .Where(d => !d.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any())
            .Select(d => (Path: "/" + RouteConstraint.Replace(d.RelativePath?.Split('?')[0].TrimEnd('/') ?? "", "{$1}"), Method: d.HttpMethod?.ToUpperInvariant()))
            .ToHashSet();

        foreach (var (path, item) in document.Paths)
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                if (!protectedOperations.Contains((path, method.Method.ToUpperInvariant()))) continue;
                operation.Security = schemes
                    .Select(name => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(name, document)] = [] })
                    .ToList();
            }
        }
    }
}
