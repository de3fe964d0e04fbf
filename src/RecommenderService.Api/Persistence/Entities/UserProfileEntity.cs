namespace RecommenderService.Api.Persistence.Entities;

/// <summary>
/// What a user told the service about themselves (<c>PUT /api/v1/users/{userId}</c>): profile attributes and onboarding
/// likes as one JSON object (jsonb), read by training (the user attribute map) and by serving (users with few or no
/// ratings). One row per user, removed with the user.
/// </summary>
public sealed class UserProfileEntity
{
    public int UserId { get; set; }

    /// <summary>The attributes object as stored, e.g. <c>{"age": 24, "likes": {"genres": ["Sci-Fi"]}}</c>.</summary>
    public required string Attributes { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
