using System.Text.Json;

namespace RecommenderService.Api.Contracts;

/// <summary>Response of <c>GET /api/v1/users/{userId}/recommendations</c>.</summary>
/// <param name="UserId">The caller's user id.</param>
/// <param name="Strategy"><c>model</c>, <c>folded-in</c> or <c>popularity</c>.</param>
/// <param name="ModelVersion">The active model's version; null when none is active.</param>
/// <param name="Items">Best first.</param>
public sealed record RecommendationResponse(string UserId, string Strategy, int? ModelVersion, IReadOnlyList<RecommendedItem> Items);

/// <summary>One recommended item.</summary>
/// <param name="ItemId">The caller's item id.</param>
/// <param name="Score">
/// What the list is ordered by, best first: the ranking head's preference score for personalised lists (a
/// relative number, not stars), the damped mean rating for popularity lists.
/// </param>
/// <param name="Title">Catalogue title, when known.</param>
/// <param name="PredictedRating">The rating the user would give the item, on the rating scale (personalised lists).</param>
/// <param name="Attributes">The item's catalogue attributes with <c>include=attributes</c>; null otherwise (every field is always present).</param>
public sealed record RecommendedItem(string ItemId, double Score, string? Title, double? PredictedRating = null,
    JsonElement? Attributes = null);

/// <summary>Response of <c>GET /api/v1/users/{userId}/predictions/{itemId}</c>.</summary>
public sealed record PredictionResponse(string UserId, string ItemId, double PredictedRating, string Strategy, int? ModelVersion);

/// <summary>Response of <c>GET /api/v1/items/popular</c>.</summary>
public sealed record PopularItemsResponse(string Strategy, IReadOnlyList<PopularItem> Items);

/// <summary>One popular item: its damped mean, how many ratings it has, and its plain mean.</summary>
public sealed record PopularItem(string ItemId, double Score, int RatingCount, double MeanRating, string? Title,
    JsonElement? Attributes = null);

/// <summary>Response of <c>GET /api/v1/items/{itemId}/similar</c>.</summary>
public sealed record SimilarItemsResponse(string ItemId, int ModelVersion, IReadOnlyList<SimilarItem> Items);

/// <summary>An item and its cosine similarity (-1..1) to the asked-for item.</summary>
public sealed record SimilarItem(string ItemId, double Similarity, string? Title,
    JsonElement? Attributes = null);
