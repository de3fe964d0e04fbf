namespace RecommenderService.Api.Ratings;

/// <summary>
/// What a rating write did: the (user, item) pairs it inserted and updated and the latest rating time it stored; or,
/// when an item it names was erased while it ran, nothing at all, and which items those were.
/// </summary>
public sealed record RatingWriteOutcome(int Inserted, int Updated, DateTime LastRatedAt, IReadOnlyList<string> ErasedItems)
{
    public bool Stored => ErasedItems.Count == 0;

    public static RatingWriteOutcome Refused(IReadOnlyList<string> erasedItems) => new(0, 0, default, erasedItems);
}
