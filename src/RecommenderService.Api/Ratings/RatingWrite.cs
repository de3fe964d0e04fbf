namespace RecommenderService.Api.Ratings;

/// <summary>A validated rating to store: the caller's ids, the value, and when it was given (null: now).</summary>
public readonly record struct RatingWrite(string UserId, string ItemId, float Value, DateTime? RatedAt);
