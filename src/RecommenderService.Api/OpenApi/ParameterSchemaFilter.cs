using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace RecommenderService.Api.OpenApi;

/// <summary>
/// Applies <see cref="SchemaAsAttribute"/> and <see cref="AllowedValuesAttribute"/> to route and query parameters,
/// so a parameter read as text (to word its own errors) is still documented as the number it must be.
/// </summary>
public sealed class ParameterSchemaFilter : IParameterFilter
{
    public void Apply(IOpenApiParameter parameter, ParameterFilterContext context)
    {
        if (parameter is not OpenApiParameter target || context.ParameterInfo is not { } info) return;
        if (info.GetCustomAttribute<SchemaAsAttribute>() is { } wire)
        {
            var generated = context.SchemaGenerator.GenerateSchema(wire.Type, context.SchemaRepository, parameterInfo: info);
            if (generated is OpenApiSchema inline && inline.Type is { } kind) inline.Type = kind & ~JsonSchemaType.Null;
            target.Schema = generated;
        }
        if (info.GetCustomAttribute<AllowedValuesAttribute>() is { } allowed && target.Schema is OpenApiSchema values)
            values.Enum = allowed.Values.OfType<object>().Select(v => (JsonNode)JsonValue.Create(v.ToString()!)).ToList();
    }
}
