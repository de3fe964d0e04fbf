namespace RecommenderService.Api.Persistence.Entities;

/// <summary>
/// Something a user did with an item (a view, click, cart, purchase, or a rating that cited a list), optionally naming
/// the list that showed it. Kept as user, item, type, value and time so that a later training can read it as implicit
/// feedback. Owners: <c>EventWriter</c> (the events route) and <c>RatingWriter</c> (a rating with a
/// <c>recommendationId</c>, in the rating's transaction); <c>OutcomeRetention</c> deletes old rows.
/// </summary>
public sealed class OutcomeEventEntity
{
    public long Id { get; set; }
    public required string UserId { get; set; }
    public required string ItemId { get; set; }

    /// <summary>One of <c>Events:Types</c>, or <c>rating</c> for a rating that cited a list.</summary>
    public required string Type { get; set; }

    /// <summary>A number that comes with the event (a price, a quantity, the stars of a rating); null when none.</summary>
    public double? Value { get; set; }

    /// <summary>The list the event is an outcome of, when the caller said.</summary>
    public Guid? RecommendationId { get; set; }

    /// <summary>When it happened (the caller's timestamp, or when it was received).</summary>
    public DateTimeOffset OccurredAt { get; set; }
}
