namespace RecommenderService.Api.Persistence.Entities;

/// <summary>One user's rating of one item; (UserId, ItemId) is the key, so a new rating replaces the old.</summary>
public sealed class RatingEntity
{
    public int UserId { get; set; }
    public int ItemId { get; set; }
    public float Value { get; set; }

    /// <summary>When the user rated (the caller's timestamp, or the time we received it).</summary>
    public DateTimeOffset RatedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Last write; compared with a model's data cut-off to tell who rated since training.</summary>
    public DateTimeOffset UpdatedAt { get; set; }
}
