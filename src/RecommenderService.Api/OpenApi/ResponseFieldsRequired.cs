using System.Reflection;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace RecommenderService.Api.OpenApi;

/// <summary>
/// Marks every field of every response object required: the service always sends each field (<c>null</c> when it
/// has no value, and such fields are nullable in the document), so a generated client may read them without
/// checks. Objects that are also request bodies keep the request's rules, and objects marked
/// <see cref="FieldsMayBeAbsentAttribute"/> are left alone.
/// </summary>
public sealed class ResponseFieldsRequired : IDocumentFilter
{
    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        var schemas = document.Components?.Schemas;
        if (schemas is null || document.Paths is null) return;

        var inResponses = new HashSet<string>();
        var inRequests = new HashSet<string>();
        foreach (var operation in document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []))
        {
            foreach (var media in operation.Responses?.Values.SelectMany(r => r.Content?.Values ?? []) ?? [])
                Collect(media.Schema, schemas, inResponses);
            foreach (var media in operation.RequestBody?.Content?.Values ?? [])
                Collect(media.Schema, schemas, inRequests);
        }

        var partial = typeof(ResponseFieldsRequired).Assembly.GetTypes()
            .Where(t => t.GetCustomAttribute<FieldsMayBeAbsentAttribute>() is not null)
            .Select(t => context.SchemaRepository.TryLookupByType(t, out var reference) ? reference.Reference.Id : null)
            .ToHashSet();

        // The problem schema says itself which of its fields are always there.
        partial.Add(ProblemSchema.Id);
        foreach (var id in inResponses.Except(inRequests).Where(id => !partial.Contains(id)))
        {
            if (schemas.TryGetValue(id, out var found) && found is OpenApiSchema { Properties.Count: > 0 } schema)
                schema.Required = new HashSet<string>(schema.Properties.Keys);
        }
    }

    /// <summary>Adds the ids of the component schemas <paramref name="schema"/> refers to, directly or through others.</summary>
    private static void Collect(IOpenApiSchema? schema, IDictionary<string, IOpenApiSchema> schemas, HashSet<string> found)
    {
        if (schema is null) return;
        if (schema is OpenApiSchemaReference reference)
        {
            var id = reference.Reference.Id;
            if (id is null || !found.Add(id) || !schemas.TryGetValue(id, out var target)) return;
            schema = target;
        }
        foreach (var property in schema.Properties?.Values ?? []) Collect(property, schemas, found);
        Collect(schema.Items, schemas, found);
        Collect(schema.AdditionalProperties, schemas, found);
        foreach (var part in (schema.AllOf ?? []).Concat(schema.AnyOf ?? []).Concat(schema.OneOf ?? [])) Collect(part, schemas, found);
    }
}
