using System.Text.Json;

namespace RecommenderService.Api.Contracts;

/// <summary>Body of <c>PUT /api/v1/items/{itemId}</c>: optional catalogue data shown with recommendations.</summary>
/// <param name="Title">Display title, at most 1000 characters.</param>
/// <param name="Attributes">Any JSON object (e.g. <c>{"genres": ["Sci-Fi"]}</c>), stored as is.</param>
public sealed record ItemRequest(string? Title, JsonElement? Attributes);

/// <summary>Response of <c>GET /api/v1/items/{itemId}</c> (and of the PUT).</summary>
public sealed record ItemResponse(string ItemId, string? Title, JsonElement? Attributes, int RatingCount, double? MeanRating);

/// <summary>Response of <c>GET /api/v1/items?ids=...</c>: the known items, in the asked order.</summary>
public sealed record ItemBatchResponse(IReadOnlyList<ItemResponse> Items);
