using System.Text.Json;

namespace RecommenderService.Api.Items;

/// <summary>
/// Turns an item's <c>attributes</c> JSON into the engine's attribute tokens, the vocabulary of the attribute→factor map
/// that serves items nobody has rated yet: <c>key:value</c> for every string, number or boolean value, and one token
/// per such element of an array (<c>{"genres": ["Comedy", "Drama"], "year": 1995}</c> → <c>genres:Comedy</c>,
/// <c>genres:Drama</c>, <c>year:1995</c>). Nested objects, nulls and arrays inside arrays give none.
/// </summary>
/// <remarks>
/// The same <c>key:value</c> pairs a feed's <c>filter</c> matches, so "the items sharing an attribute" means one thing
/// across the contract. Every distinct value is its own category: a number is a label here ("year:1995" tells nothing
/// about "year:1996"), which suits genres, languages or brands and not prices.
/// </remarks>
public static class ItemAttributeTokens
{
    /// <summary>The tokens of <paramref name="attributes"/>, each once, in document order; empty for anything but an object.</summary>
    public static string[] From(JsonElement attributes)
    {
        if (attributes.ValueKind != JsonValueKind.Object) return [];
        var tokens = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in attributes.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Array)
            {
                foreach (var element in property.Value.EnumerateArray()) Add(property.Name, element);
            }
            else
            {
                Add(property.Name, property.Value);
            }
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

    /// <summary>The tokens of an <c>attributes</c> column value as PostgreSQL returns it (<c>attributes::text</c>).</summary>
    public static string[] FromJson(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 1024 });
            return From(document.RootElement);
        }
        catch (JsonException)
        {
            // A row written around the API (deeper than any reader allows) must not stop every other item being served.
            return [];
        }
    }
}
