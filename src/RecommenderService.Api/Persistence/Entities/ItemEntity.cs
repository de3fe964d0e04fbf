namespace RecommenderService.Api.Persistence.Entities;

/// <summary>An item that can be rated and recommended, with optional catalogue data.</summary>
public sealed class ItemEntity
{
    public int Id { get; set; }
    public required string ExternalId { get; set; }
    public string? Title { get; set; }

    /// <summary>Free-form catalogue attributes as a JSON object (jsonb).</summary>
    public string? Attributes { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
