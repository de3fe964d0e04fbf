namespace RecommenderService.Api.Persistence.Entities;

/// <summary>
/// An item that was erased: a stored model trained on data from before <see cref="ErasedAt"/> may still hold its
/// vectors, and no replica may serve them. Owner: <c>ErasedItems</c> (its command runs in the erasing transaction).
/// </summary>
/// <remarks>The id in clear, unlike erased users: an item id names a product, not a person.</remarks>
public sealed class ErasedItemEntity
{
    public required string ExternalId { get; set; }
    public DateTimeOffset ErasedAt { get; set; }
}
