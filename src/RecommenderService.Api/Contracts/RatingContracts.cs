using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Options;
using RecommenderService.Api.Infrastructure;
using RecommenderService.Api.Options;

namespace RecommenderService.Api.Contracts;

// Requests keep their fields as JsonElement so that a wrong type is reported against the field by name
// (see Validation/RatingInput) rather than as one opaque deserialisation failure. They bind themselves
// (BindAsync) to enforce the route's body limit with a 413 problem on every host.

/// <summary>Body of <c>PUT /api/v1/users/{userId}/ratings/{itemId}</c>.</summary>
/// <param name="Rating">A number inside the rating scale.</param>
/// <param name="Timestamp">When the user rated, ISO-8601; the time of the request when absent.</param>
public sealed record RatingWriteRequest(JsonElement? Rating, JsonElement? Timestamp)
{
    /// <summary>Reads the body within <see cref="IngestOptions.MaxRatingBytes"/>.</summary>
    public static ValueTask<RatingWriteRequest> BindAsync(HttpContext context, ParameterInfo parameter) =>
        BoundedJsonBody.ReadAsync<RatingWriteRequest>(context, context.RequestServices.GetRequiredService<IOptions<IngestOptions>>().Value.MaxRatingBytes);
}

/// <summary>Body of <c>POST /api/v1/ratings/batch</c>.</summary>
public sealed record RatingBatchRequest(List<RatingBatchRow?>? Ratings)
{
    /// <summary>Reads the body within <see cref="IngestOptions.MaxBatchBytes"/>.</summary>
    public static ValueTask<RatingBatchRequest> BindAsync(HttpContext context, ParameterInfo parameter) =>
        BoundedJsonBody.ReadAsync<RatingBatchRequest>(context, context.RequestServices.GetRequiredService<IOptions<IngestOptions>>().Value.MaxBatchBytes);
}

/// <summary>One row of a batch.</summary>
public sealed record RatingBatchRow(JsonElement? UserId, JsonElement? ItemId, JsonElement? Rating, JsonElement? Timestamp);

/// <summary>A stored rating, as the single-rating routes answer it.</summary>
public sealed record RatingResponse(string UserId, string ItemId, float Rating, DateTime Timestamp);

/// <summary>One rating in a user's list.</summary>
public sealed record UserRatingItem(string ItemId, float Rating, DateTime Timestamp);

/// <summary>A page of a user's ratings, newest first; <c>nextCursor</c> is null on the last page.</summary>
public sealed record UserRatingsPage(IReadOnlyList<UserRatingItem> Items, string? NextCursor);

/// <summary>What a batch did: new (user, item) pairs and replaced ones.</summary>
public sealed record RatingBatchResponse(int Inserted, int Updated);

/// <summary>What an import did: ratings stored and the time it took.</summary>
public sealed record RatingImportResponse(long Imported, double Seconds);
