using System.Text.Json;

namespace RecommenderService.Api.Validation;

/// <summary>Reading the rows of JSON batches read as documents (ratings, events), as the host's JSON binding would.</summary>
public static class JsonMembers
{
    /// <summary>A member of a JSON object by its camelCase name, or ignoring case as the host's JSON binding does.</summary>
    public static JsonElement? Property(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object) return null;
        if (element.TryGetProperty(name, out var exact)) return exact;
        JsonElement? found = null;
        foreach (var member in element.EnumerateObject())
            if (string.Equals(member.Name, name, StringComparison.OrdinalIgnoreCase)) found = member.Value;
        return found;
    }
}
