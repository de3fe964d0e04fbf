namespace RecommenderService.Api.Persistence.Entities;

/// <summary>
/// An item's rating count and sum for the ratings dated on one UTC day (<c>rated_at</c>), as of the last
/// compaction: what <c>Popularity:WindowDays</c> sums over. Only days within the last 366 (the longest
/// window is 365) are kept. Owner: <c>ItemStatsCompactor</c>, like
/// <see cref="ItemStatsEntity"/>.
/// </summary>
public sealed class ItemDailyStatsEntity
{
    public DateOnly Day { get; set; }
    public int ItemId { get; set; }
    public long RatingCount { get; set; }
    public double RatingSum { get; set; }
}
