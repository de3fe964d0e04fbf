using System.Text.Json;

namespace RecommenderService.Engine;

/// <summary>
/// The <c>key:value</c> tokens of an item's attributes (a JSON object of strings, numbers, booleans and arrays of
/// them), each once, in document order: what the attribute map and a user's stated likes are read in.
/// </summary>
public static class AttributeTokens
{
    /// <summary>The tokens of <paramref name="attributes"/>; empty for anything but an object.</summary>
    public static string[] Of(JsonElement attributes)
    {
        if (attributes.ValueKind != JsonValueKind.Object) return [];
        var tokens = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in attributes.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Array)
                foreach (var element in property.Value.EnumerateArray()) Add(property.Name, element);
            else
                Add(property.Name, property.Value);
        }
        return tokens.ToArray();

        void Add(string key, JsonElement value)
        {
            var text = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                // The number as written ("1995", "2.5"), the text a filter compares with.
                JsonValueKind.Number => value.GetRawText(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => null,
            };
            if (text is not null && seen.Add(key + ":" + text)) tokens.Add(key + ":" + text);
        }
    }
}
