using System.Text.Json;

namespace RecommenderService.Api.Recommendations.SimilarItems;

/// <summary>
/// The attributes two items have in common, compared as filters compare them (<c>filter=key:value</c>): an array
/// contributes each of its values (as text) that the other item's same key holds too (as its element or its value);
/// a string, number or boolean counts when its text equals the other's. Objects are not compared.
/// </summary>
public static class SharedAttributes
{
    public static ReasonAttribute[] Between(JsonElement? first, JsonElement? second)
    {
        if (first is not { ValueKind: JsonValueKind.Object } a || second is not { ValueKind: JsonValueKind.Object } b) return [];
        var shared = new List<ReasonAttribute>();
        foreach (var property in a.EnumerateObject())
        {
            if (!b.TryGetProperty(property.Name, out var other)) continue;
            var theirs = Values(other);
            foreach (var value in Values(property.Value))
                if (theirs.Contains(value) && !shared.Contains(new ReasonAttribute(property.Name, value)))
                    shared.Add(new ReasonAttribute(property.Name, value));
        }
        return shared.ToArray();
    }

    private static List<string> Values(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => element.EnumerateArray().Where(IsScalar).Select(Text).ToList(),
        _ when IsScalar(element) => [Text(element)],
        _ => [],
    };

    private static bool IsScalar(JsonElement e) => e.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False;

    // The text PostgreSQL's ->> gives, which filters compare: strings unquoted, numbers and booleans as written.
    private static string Text(JsonElement e) => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText();
}
