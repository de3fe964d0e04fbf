using RecommenderService.Engine;
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
    public static string[] From(JsonElement attributes) => AttributeTokens.Of(attributes);

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
