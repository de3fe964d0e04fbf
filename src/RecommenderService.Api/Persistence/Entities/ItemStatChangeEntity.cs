namespace RecommenderService.Api.Persistence.Entities;

/// <summary>
/// A change to one item's rating figures on one day, appended in the same transaction as the rating
/// write that caused it. Owner: the statement triggers on <c>ratings</c> (migration FreshStatsAndErasure),
/// so every writer — single writes, batches, imports, erasure, even hand-written SQL — keeps the figures
/// right without knowing about them. Append-only, so concurrent writers never wait on each other's item
/// rows; <c>ItemStatsCompactor</c> folds them into <see cref="ItemStatsEntity"/> and
/// <see cref="ItemDailyStatsEntity"/> and deletes them.
/// </summary>
public sealed class ItemStatChangeEntity
{
    public long Id { get; set; }
    public int ItemId { get; set; }
    /// <summary>The UTC day of <c>rated_at</c>; null for ratings dated more than 366 days back (they count in the totals only).</summary>
    public DateOnly? Day { get; set; }

    /// <summary>Ratings added minus ratings removed.</summary>
    public long RatingCount { get; set; }

    /// <summary>Sum of the values added minus sum of the values removed.</summary>
    public double RatingSum { get; set; }
}
