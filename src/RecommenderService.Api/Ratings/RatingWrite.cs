namespace RecommenderService.Api.Ratings;

/// <summary>
/// A validated rating to store: the caller's ids, the value, when it was given (null: now), and the list it was given
/// from, when the caller cited one (<c>recommendationId</c>).
/// </summary>
public readonly record struct RatingWrite(string UserId, string ItemId, float Value, DateTime? RatedAt, Guid? RecommendationId = null);
