namespace RecommenderService.Api.Persistence.Entities;

/// <summary>A user known to the service: the caller's id and our compact surrogate key.</summary>
public sealed class UserEntity
{
    public int Id { get; set; }
    public required string ExternalId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// Last time any rating of this user was written or deleted. A user whose ratings changed after the
    /// active model's data cut-off is folded in on the spot instead of served from the stale vector.
    /// </summary>
    public DateTimeOffset? RatingsChangedAt { get; set; }
}
