using System.Text.Json.Nodes;

namespace RecommenderService.Api.Tests.OpenApi;

/// <summary>The checker the contract tests rely on finds each kind of mismatch (so their passing means something).</summary>
public sealed class OpenApiSchemaCheckTests
{
    private static readonly JsonNode Document = JsonNode.Parse("""
        {"components": {"schemas": {
          "List": {"type": "object", "required": ["strategy", "items"], "additionalProperties": false,
                   "properties": {"strategy": {"type": "string", "enum": ["model", "popularity"]},
                                  "items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}}},
          "Item": {"type": "object", "required": ["itemId", "rating"], "additionalProperties": false,
                   "properties": {"itemId": {"type": "string"}, "rating": {"type": "number", "nullable": true}}}}}}
        """)!;

    private static List<string> Check(string json) =>
        new OpenApiSchemaCheck(Document).Check(JsonDocument.Parse(json).RootElement, JsonNode.Parse("""{"$ref": "#/components/schemas/List"}""")!);

    [Fact]
    public void A_body_as_documented_passes() =>
        Assert.Empty(Check("""{"strategy": "model", "items": [{"itemId": "1", "rating": null}]}"""));

    [Theory]
    [InlineData("""{"strategy": "model"}""", "$.items is required")]
    [InlineData("""{"strategy": "random", "items": []}""", "not one of")]
    [InlineData("""{"strategy": "model", "items": [{"itemId": 1, "rating": 2}]}""", "$.items[0].itemId is Number")]
    [InlineData("""{"strategy": null, "items": []}""", "$.strategy is null")]
    [InlineData("""{"strategy": "model", "items": [], "extra": 1}""", "$.extra was sent but the document does not mention it")]
    public void Each_mismatch_is_reported(string json, string expected) =>
        Assert.Contains(Check(json), problem => problem.Contains(expected, StringComparison.Ordinal));
}
