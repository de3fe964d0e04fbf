using RecommenderService.Api.Items;

namespace RecommenderService.Api.Tests.Items;

/// <summary>The catalogue's attributes become the engine's tokens by the same key:value rule the feed filters use.</summary>
public sealed class ItemAttributeTokensTests
{
    [Fact]
    public void Every_scalar_and_every_scalar_array_element_is_one_key_value_token()
    {
        using var json = JsonDocument.Parse("""
            {"genres": ["Comedy", "Drama", "Comedy", 7, null, ["nested"], {"a": 1}], "year": 1995, "rating": 2.50,
             "kids": false, "studio": {"name": "Ghibli"}, "note": null, "lang": "日本語"}
            """);

        var tokens = ItemAttributeTokens.From(json.RootElement);

        Assert.Equal(["genres:Comedy", "genres:Drama", "genres:7", "year:1995", "rating:2.50", "kids:false", "lang:日本語"], tokens);
    }

    [Fact]
    public void Anything_but_an_object_gives_no_tokens()
    {
        Assert.Empty(ItemAttributeTokens.FromJson("[\"Comedy\"]"));
        Assert.Empty(ItemAttributeTokens.FromJson("{}"));
        Assert.Empty(ItemAttributeTokens.FromJson("null"));
    }
}
