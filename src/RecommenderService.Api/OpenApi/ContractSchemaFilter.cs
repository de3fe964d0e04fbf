using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace RecommenderService.Api.OpenApi;

/// <summary>
/// Applies the contract attributes of request and response types to their schemas: <see cref="SchemaAsAttribute"/>
/// (the wire type of a loosely typed field, and whether the server needs it), <see cref="AllowedValuesAttribute"/>
/// (an enum of strings) and <see cref="JsonExampleAttribute"/> (the body example).
/// </summary>
public sealed class ContractSchemaFilter : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema target) return;
        var type = context.Type;
        if (type.GetCustomAttribute<JsonExampleAttribute>() is { } example)
            target.Examples = [JsonNode.Parse(example.Json)!];
        if (target.Properties is null || target.Properties.Count == 0) return;
        if (type.GetCustomAttribute<FieldsMayBeAbsentAttribute>() is not null)
        {
            target.Required?.Clear();
            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = target.Properties.Keys.FirstOrDefault(k => string.Equals(k, property.Name, StringComparison.OrdinalIgnoreCase));
            if (name is null) continue;

            if (property.GetCustomAttribute<SchemaAsAttribute>() is { } wire)
            {
                var generated = context.SchemaGenerator.GenerateSchema(wire.Type, context.SchemaRepository, memberInfo: property);
                if (generated is OpenApiSchema inline && inline.Type is { } kind)
                    inline.Type = wire.Nullable ? kind | JsonSchemaType.Null : kind & ~JsonSchemaType.Null;
                // A reference cannot carry "nullable" beside it in OpenAPI 3.0: wrapped in allOf, it can.
                if (generated is OpenApiSchemaReference && wire.Nullable)
                    generated = new OpenApiSchema { Type = JsonSchemaType.Object | JsonSchemaType.Null, AllOf = [generated] };
                if (target.Properties[name].Description is { } description && generated is OpenApiSchema described)
                    described.Description ??= description;
                target.Properties[name] = generated;
                target.Required ??= new HashSet<string>();
                if (wire.Required) target.Required.Add(name);
                else target.Required.Remove(name);
            }

            if (property.GetCustomAttribute<AllowedValuesAttribute>() is { } allowed && target.Properties[name] is OpenApiSchema values)
                values.Enum = allowed.Values.OfType<object>().Select(v => (JsonNode)JsonValue.Create(v.ToString()!)).ToList();
        }
    }
}
