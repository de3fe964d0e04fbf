namespace RecommenderService.Api.Persistence.Entities;

/// <summary>An item that can be rated and recommended, with optional catalogue data.</summary>
public sealed class ItemEntity
{
    public int Id { get; set; }
    public required string ExternalId { get; set; }
    public string? Title { get; set; }

    /// <summary>Free-form catalogue attributes as a JSON object (jsonb).</summary>
    public string? Attributes { get; set; }

    /// <summary>False when the catalogue retired the item: it is kept (its ratings still train) but never listed.</summary>
    public bool Available { get; set; } = true;

    /// <summary>When set, the item is listed only from this instant on.</summary>
    public DateTimeOffset? AvailableFrom { get; set; }

    /// <summary>When set, the item is listed only before this instant.</summary>
    public DateTimeOffset? AvailableUntil { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
