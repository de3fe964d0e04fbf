namespace RecommenderService.Api.Notifications;

/// <summary>
/// Every PostgreSQL NOTIFY channel the service uses. Writers send on them inside their transactions, so a notice
/// is delivered only when the write commits; each replica's <see cref="PostgresNotificationListener"/> hands it to
/// the one <see cref="INotificationHandler"/> of that channel.
/// </summary>
public static class NotificationChannels
{
    /// <summary>Whose ratings changed: a JSON array of external user ids (see <see cref="RatingChangeChannel"/>).
    /// Every replica drops exactly those users' cached ratings and folded-in vectors.</summary>
    public const string RatingChanges = "rating_changes";

    /// <summary>Items' rating figures changed (payload empty). Sent by the statement triggers on <c>ratings</c>, so
    /// no writer can forget it (the migration that creates them spells the name out); every replica recomputes its
    /// popular list.</summary>
    public const string ItemStatsChanged = "item_stats_changed";

    /// <summary>An item's title, attributes or availability changed, or it was erased (payload: its external id); every
    /// replica drops its cached title, re-reads its availability, and re-derives the item's vectors from its attributes
    /// if the model did not train on it.</summary>
    public const string ItemChanges = "item_changes";

    /// <summary>A user was erased (payload: the hash of their id); every replica stops serving their stored vectors.</summary>
    public const string UserErasures = "user_erasures";

    /// <summary>An item was erased (payload: the erasure time in microseconds since the unix epoch, a space, the id);
    /// every replica stops serving its vectors from models that read its data.</summary>
    public const string ItemErasures = "item_erasures";

    /// <summary>A version was activated (payload: the version); every replica loads it within moments instead of
    /// waiting for its poll.</summary>
    public const string ModelChanges = "model_changes";

    /// <summary>A trained version passed the gate and is about to be activated (payload: the version); every replica
    /// loads it before the switch.</summary>
    public const string ModelStored = "model_stored";

    /// <summary>An experiment started, stopped or ended (payload empty); every replica re-reads the running one and loads
    /// its treatment version.</summary>
    public const string ExperimentChanges = "experiment_changes";
}
