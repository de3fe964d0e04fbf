using System.Text.Json.Nodes;

namespace RecommenderService.Api.Tests.OpenApi;

/// <summary>
/// Checks a JSON value against a schema of an OpenAPI 3.0 document, as far as a generated client relies on it:
/// <c>$ref</c>, <c>type</c> with <c>nullable</c>, <c>required</c>, <c>properties</c> (no undocumented ones),
/// <c>items</c>, <c>additionalProperties</c> and <c>enum</c>. Returns every mismatch with its JSON path.
/// </summary>
public sealed class OpenApiSchemaCheck(JsonNode document)
{
    public List<string> Check(JsonElement value, JsonNode schema, string path = "$")
    {
        var problems = new List<string>();
        Visit(value, schema, path, problems);
        return problems;
    }

    /// <summary>The schema of a response: the operation at <paramref name="path"/> and <paramref name="method"/>, for <paramref name="status"/>.</summary>
    public JsonNode ResponseSchema(string method, string path, int status, string mediaType = "application/json") =>
        document["paths"]?[path]?[method]?["responses"]?[status.ToString(System.Globalization.CultureInfo.InvariantCulture)]?["content"]?[mediaType]?["schema"]
        ?? throw new InvalidOperationException($"The document declares no {mediaType} response {status} for {method.ToUpperInvariant()} {path}.");

    private JsonNode Resolve(JsonNode schema)
    {
        while (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            var name = reference["#/components/schemas/".Length..];
            schema = document["components"]!["schemas"]![name] ?? throw new InvalidOperationException($"Missing schema {reference}.");
        }
        return schema;
    }

    private void Visit(JsonElement value, JsonNode schema, string path, List<string> problems)
    {
        schema = Resolve(schema);
        if (value.ValueKind == JsonValueKind.Null)
        {
            if (schema["nullable"]?.GetValue<bool>() != true) problems.Add($"{path} is null but the document does not say it may be.");
            return;
        }
        var type = schema["type"]?.GetValue<string>();
        var matches = type switch
        {
            "object" => value.ValueKind == JsonValueKind.Object,
            "array" => value.ValueKind == JsonValueKind.Array,
            "string" => value.ValueKind == JsonValueKind.String,
            "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
            "number" => value.ValueKind == JsonValueKind.Number,
            "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            null => true,
            _ => false,
        };
        if (!matches)
        {
            problems.Add($"{path} is {value.ValueKind} but the document says {type}.");
            return;
        }
        if (schema["enum"] is JsonArray allowed && value.ValueKind == JsonValueKind.String
            && !allowed.Any(a => a?.GetValue<string>() == value.GetString()))
            problems.Add($"{path} is \"{value.GetString()}\", not one of the document's values {allowed.ToJsonString()}.");

        if (value.ValueKind == JsonValueKind.Array && schema["items"] is { } items)
        {
            var i = 0;
            foreach (var element in value.EnumerateArray()) Visit(element, items, $"{path}[{i++}]", problems);
        }
        if (value.ValueKind != JsonValueKind.Object) return;

        var properties = schema["properties"] as JsonObject;
        foreach (var required in schema["required"] as JsonArray ?? [])
        {
            var name = required!.GetValue<string>();
            if (!value.TryGetProperty(name, out _)) problems.Add($"{path}.{name} is required by the document but was not sent.");
        }
        foreach (var member in value.EnumerateObject())
        {
            if (properties?[member.Name] is { } propertySchema) Visit(member.Value, propertySchema, $"{path}.{member.Name}", problems);
            else if (schema["additionalProperties"] is JsonObject additional) Visit(member.Value, additional, $"{path}.{member.Name}", problems);
            else if (properties is not null && schema["additionalProperties"] is not JsonObject)
                problems.Add($"{path}.{member.Name} was sent but the document does not mention it.");
        }
    }
}
