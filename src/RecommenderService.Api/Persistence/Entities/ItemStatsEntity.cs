namespace RecommenderService.Api.Persistence.Entities;

/// <summary>
/// An item's rating count and sum over all time, as of the last compaction. Owner: the serving side's
/// <c>ItemStatsCompactor</c>, the only writer, which folds <see cref="ItemStatChangeEntity"/> rows into it;
/// the current figure is this row plus the item's pending changes.
/// </summary>
public sealed class ItemStatsEntity
{
    public int ItemId { get; set; }
    public long RatingCount { get; set; }
    public double RatingSum { get; set; }
}
