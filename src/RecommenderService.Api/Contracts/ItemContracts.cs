using System.Reflection;
using System.Text.Json;
using RecommenderService.Api.Endpoints;
using RecommenderService.Api.Infrastructure;

namespace RecommenderService.Api.Contracts;

/// <summary>Body of <c>PUT /api/v1/items/{itemId}</c>: optional catalogue data shown with recommendations.</summary>
/// <param name="Title">Display title, at most 1000 characters.</param>
/// <param name="Attributes">Any JSON object (e.g. <c>{"genres": ["Sci-Fi"]}</c>), stored as is.</param>
public sealed record ItemRequest(string? Title, JsonElement? Attributes)
{
    /// <summary>
    /// Reads the body within <see cref="ItemEndpoints.MaxItemBodyBytes"/> through the same checks as the rating
    /// bodies (one JSON value, valid text without NUL); null when there is no body.
    /// </summary>
    public static ValueTask<ItemRequest?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        BoundedJsonBody.ReadOptionalAsync<ItemRequest>(context, ItemEndpoints.MaxItemBodyBytes);
}

/// <summary>Response of <c>GET /api/v1/items/{itemId}</c> (and of the PUT).</summary>
public sealed record ItemResponse(string ItemId, string? Title, JsonElement? Attributes, int RatingCount, double? MeanRating);
