namespace RecommenderService.Api.Notifications;

/// <summary>
/// The PostgreSQL NOTIFY channel on which a transaction that changed any rating announces, on commit, that
/// items' rating figures changed (payload empty). Sent by the statement triggers on <c>ratings</c> (so no
/// writer can forget it; PostgreSQL folds a transaction's identical notices into one); every replica
/// recomputes its popular list from the item statistics when it hears it.
/// </summary>
public static class ItemStatsChannel
{
    public const string Name = "item_stats_changed";
}
