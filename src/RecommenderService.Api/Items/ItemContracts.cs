using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using RecommenderService.Api.Infrastructure;
using RecommenderService.Api.Items.Availability;
using RecommenderService.Api.OpenApi;

namespace RecommenderService.Api.Items;

/// <summary>
/// An item's catalogue data, shown with recommendations, and whether it may be listed. Every field is optional; when
/// none of <c>available</c>, <c>availableFrom</c>, <c>availableUntil</c> is sent the stored availability is kept,
/// otherwise all three are replaced (<c>available</c> defaulting to true, the times to none).
/// </summary>
/// <param name="Title">The item's display title, at most 1000 characters.</param>
/// <param name="Attributes">Any JSON object (e.g. genres, year), stored and returned as sent.</param>
/// <param name="Available">False retires the item: it leaves every list, its ratings still train the model. True brings it back.</param>
/// <param name="AvailableFrom">When set, the item is listed only from this instant on (ISO 8601 with an offset).</param>
/// <param name="AvailableUntil">When set, the item is listed only before this instant; must be after <c>availableFrom</c>.</param>
[JsonExample("""{"title": "Star Wars (1977)", "attributes": {"genres": ["Action", "Sci-Fi"], "year": 1977}, "available": true}""")]
public sealed record ItemRequest(
    [property: MaxLength(1000)] string? Title,
    [property: SchemaAs(typeof(Dictionary<string, JsonElement>), Nullable = true)] JsonElement? Attributes,
    bool? Available = null,
    DateTimeOffset? AvailableFrom = null,
    DateTimeOffset? AvailableUntil = null)
{
    /// <summary>Whether the request says anything about availability.</summary>
    [JsonIgnore]
    public bool SetsAvailability => Available is not null || AvailableFrom is not null || AvailableUntil is not null;

    /// <summary>The availability the request asks for (meaningful when <see cref="SetsAvailability"/>).</summary>
    [JsonIgnore]
    public AvailabilityRule Rule => new(Available ?? true, AvailableFrom, AvailableUntil);

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
/// <param name="Available">Whether lists may show it now: its flag and its schedule, read against the clock.</param>
/// <param name="AvailableFrom">Its scheduled start, if any.</param>
/// <param name="AvailableUntil">Its scheduled end, if any.</param>
public sealed record ItemResponse(
    string ItemId,
    string? Title,
    [property: SchemaAs(typeof(Dictionary<string, JsonElement>), Nullable = true)] JsonElement? Attributes,
    int RatingCount,
    double? MeanRating,
    bool Available = true,
    DateTimeOffset? AvailableFrom = null,
    DateTimeOffset? AvailableUntil = null);

/// <summary>Response of <c>GET /api/v1/items?ids=...</c> and <c>GET /api/v1/items?available=false</c>.</summary>
/// <param name="Items">With <c>ids</c>: the known items among them that may be listed now (or, with <c>available=false</c>, that
/// may not), in the asked order, each once. Without <c>ids</c>: a page of the retired items.</param>
/// <param name="NextCursor">Pass it as <c>cursor</c> for the next page of retired items; null on the last page and for reads by id.</param>
public sealed record ItemBatchResponse(IReadOnlyList<ItemResponse> Items, string? NextCursor = null);

/// <summary>One item of a catalogue batch: its id and the fields of the body of <c>PUT /api/v1/items/{itemId}</c>.</summary>
/// <param name="ItemId">The item: your own id, 1-128 characters without whitespace.</param>
/// <param name="Title">The item's display title, at most 1000 characters.</param>
/// <param name="Attributes">Any JSON object, stored and returned as sent.</param>
/// <param name="Available">False retires the item, true brings it back.</param>
/// <param name="AvailableFrom">When set, the item is listed only from this instant on.</param>
/// <param name="AvailableUntil">When set, the item is listed only before this instant.</param>
public sealed record ItemBatchEntry(
    string ItemId,
    [property: MaxLength(1000)] string? Title,
    [property: SchemaAs(typeof(Dictionary<string, JsonElement>), Nullable = true)] JsonElement? Attributes,
    bool? Available = null,
    DateTimeOffset? AvailableFrom = null,
    DateTimeOffset? AvailableUntil = null)
{
    public ItemRequest ToRequest() => new(Title, Attributes, Available, AvailableFrom, AvailableUntil);
}

/// <summary>Body of <c>POST /api/v1/items/batch</c>: up to 1,000 items, stored all or nothing.</summary>
/// <param name="Items">The items; several entries for one id: the last one wins.</param>
[JsonExample("""{"items": [{"itemId": "242", "title": "Kolya (1996)", "attributes": {"genres": ["Comedy"]}, "available": true}, {"itemId": "302", "available": false}]}""")]
public sealed record ItemBatchRequest(IReadOnlyList<ItemBatchEntry>? Items)
{
    public static ValueTask<ItemBatchRequest?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        BoundedJsonBody.ReadOptionalAsync<ItemBatchRequest>(context, ItemEndpoints.MaxItemBatchBytes);
}

/// <summary>Response of <c>POST /api/v1/items/batch</c>.</summary>
/// <param name="Created">Items the service had not seen.</param>
/// <param name="Updated">Items whose data was replaced.</param>
public sealed record ItemBatchWriteResponse(int Created, int Updated);
