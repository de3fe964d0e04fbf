using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using RecommenderService.Api.Infrastructure;
using RecommenderService.Api.OpenApi;

namespace RecommenderService.Api.Items;

/// <summary>An item's catalogue data, shown with recommendations. Both fields are optional.</summary>
/// <param name="Title">The item's display title, at most 1000 characters.</param>
/// <param name="Attributes">Any JSON object (e.g. genres, year), stored and returned as sent.</param>
[JsonExample("""{"title": "Star Wars (1977)", "attributes": {"genres": ["Action", "Sci-Fi"], "year": 1977}}""")]
public sealed record ItemRequest(
    [property: MaxLength(1000)] string? Title,
    [property: SchemaAs(typeof(Dictionary<string, JsonElement>), Nullable = true)] JsonElement? Attributes)
{
    /// <summary>
    /// Reads the body within <see cref="ItemEndpoints.MaxItemBodyBytes"/> through the same checks as the rating
    /// bodies (one JSON value, valid text without NUL); null when there is no body.
    /// </summary>
    public static ValueTask<ItemRequest?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        BoundedJsonBody.ReadOptionalAsync<ItemRequest>(context, ItemEndpoints.MaxItemBodyBytes);
}

/// <summary>An item as the service knows it: its catalogue data and its ratings so far.</summary>
/// <param name="ItemId">The item.</param>
/// <param name="Title">Its display title; null when none was stored.</param>
/// <param name="Attributes">Its attributes as stored; null when none were stored.</param>
/// <param name="RatingCount">How many ratings it has.</param>
/// <param name="MeanRating">The mean of its ratings; null when it has none.</param>
public sealed record ItemResponse(
    string ItemId,
    string? Title,
    [property: SchemaAs(typeof(Dictionary<string, JsonElement>), Nullable = true)] JsonElement? Attributes,
    int RatingCount,
    double? MeanRating);

/// <summary>Response of <c>GET /api/v1/items?ids=...</c>.</summary>
/// <param name="Items">The known items among the asked ids, in the asked order, each once; unknown ids are left out.</param>
public sealed record ItemBatchResponse(IReadOnlyList<ItemResponse> Items);
