using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;

using Microsoft.Extensions.Options;

using RecommenderService.Api.Infrastructure;
using RecommenderService.Api.OpenApi;
using RecommenderService.Api.Validation;

namespace RecommenderService.Api.Ratings;

// Requests keep their fields as JsonElement so that a wrong type is reported against the field by name
// (see Validation/RatingInput) rather than as one opaque deserialisation failure; [SchemaAs] documents the type
// each field must have. They bind themselves (BindAsync) to enforce the route's body limit with a 413 problem on
// every host.

/// <summary>A rating of an item by a user.</summary>
/// <param name="Rating">The stars: a number inside the rating scale (1 to 5 unless configured otherwise); fractions such as 4.5 are allowed.</param>
/// <param name="Timestamp">When the user rated (ISO-8601, at most a day ahead); the time of the request when left out.</param>
/// <param name="RecommendationId">The <c>recommendationId</c> of the list the user rated the item from, if they did: the rating then counts for that list.</param>
[JsonExample("""{"rating": 4.5, "timestamp": "2024-01-01T12:00:00Z", "recommendationId": "0190a6e2-5d3b-7c4e-9f1a-2b3c4d5e6f70"}""")]
public sealed record RatingWriteRequest(
    [property: SchemaAs(typeof(double), Required = true)] JsonElement? Rating,
    [property: SchemaAs(typeof(DateTimeOffset))] JsonElement? Timestamp,
    [property: SchemaAs(typeof(Guid))] JsonElement? RecommendationId = null)
{
    /// <summary>Reads the body within <see cref="IngestOptions.MaxRatingBytes"/>.</summary>
    public static ValueTask<RatingWriteRequest> BindAsync(HttpContext context, ParameterInfo parameter) =>
        BoundedJsonBody.ReadAsync<RatingWriteRequest>(context, context.RequestServices.GetRequiredService<IOptions<IngestOptions>>().Value.MaxRatingBytes);
}

/// <summary>Up to 10,000 ratings, stored all or nothing.</summary>
/// <param name="Ratings">The ratings, at most 10,000. Several for the same user and item: the last one wins.</param>
[JsonExample("""
    {"ratings": [{"userId": "196", "itemId": "242", "rating": 3, "timestamp": "1997-12-04T15:55:49Z"},
                 {"userId": "186", "itemId": "302", "rating": 4.5}]}
    """)]
public sealed record RatingBatchRequest(
    [property: SchemaAs(typeof(List<RatingBatchRow>), Required = true), MaxLength(IngestOptions.MaxBatchRatings)] List<RatingBatchRow?>? Ratings)
{
    /// <summary>Reads the body within <see cref="IngestOptions.MaxBatchBytes"/>.</summary>
    public static ValueTask<RatingBatchRequest> BindAsync(HttpContext context, ParameterInfo parameter) =>
        BoundedJsonBody.ReadAsync<RatingBatchRequest>(context, context.RequestServices.GetRequiredService<IOptions<IngestOptions>>().Value.MaxBatchBytes);
}

/// <summary>One rating of a batch.</summary>
/// <param name="UserId">The user: your own id, 1-128 characters without whitespace; unknown users are created.</param>
/// <param name="ItemId">The item: your own id, 1-128 characters without whitespace; unknown items are created.</param>
/// <param name="Rating">The stars: a number inside the rating scale.</param>
/// <param name="Timestamp">When the user rated (ISO-8601, at most a day ahead); the time of the request when left out.</param>
/// <param name="RecommendationId">The <c>recommendationId</c> of the list the user rated the item from, if they did.</param>
public sealed record RatingBatchRow(
    [property: SchemaAs(typeof(string), Required = true), StringLength(ExternalIdLimits.MaxLength, MinimumLength = 1)] JsonElement? UserId,
    [property: SchemaAs(typeof(string), Required = true), StringLength(ExternalIdLimits.MaxLength, MinimumLength = 1)] JsonElement? ItemId,
    [property: SchemaAs(typeof(double), Required = true)] JsonElement? Rating,
    [property: SchemaAs(typeof(DateTimeOffset))] JsonElement? Timestamp,
    [property: SchemaAs(typeof(Guid))] JsonElement? RecommendationId = null);

/// <summary>A stored rating.</summary>
/// <param name="UserId">The user.</param>
/// <param name="ItemId">The item.</param>
/// <param name="Rating">The stars.</param>
/// <param name="Timestamp">When the user rated.</param>
public sealed record RatingResponse(string UserId, string ItemId, float Rating, DateTime Timestamp);

/// <summary>One of a user's ratings.</summary>
/// <param name="ItemId">The item.</param>
/// <param name="Rating">The stars.</param>
/// <param name="Timestamp">When the user rated.</param>
public sealed record UserRatingItem(string ItemId, float Rating, DateTime Timestamp);

/// <summary>A page of a user's ratings, newest first.</summary>
/// <param name="Items">The ratings of this page.</param>
/// <param name="NextCursor">Pass it as <c>cursor</c> to get the next page; null on the last page.</param>
public sealed record UserRatingsPage(IReadOnlyList<UserRatingItem> Items, string? NextCursor);

/// <summary>What a batch stored.</summary>
/// <param name="Inserted">Ratings of (user, item) pairs that had none.</param>
/// <param name="Updated">Ratings that replaced an earlier one.</param>
public sealed record RatingBatchResponse(int Inserted, int Updated);

/// <summary>What an import stored.</summary>
/// <param name="Imported">Ratings stored.</param>
/// <param name="Seconds">How long the import took.</param>
public sealed record RatingImportResponse(long Imported, double Seconds);
