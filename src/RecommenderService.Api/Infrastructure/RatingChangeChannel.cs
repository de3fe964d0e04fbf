namespace RecommenderService.Api.Infrastructure;

/// <summary>
/// The PostgreSQL NOTIFY channel on which every write of ratings announces whose ratings changed, so every
/// replica drops its cached view of that user (rated items, folded-in vector) the moment the write commits.
/// </summary>
/// <remarks>
/// Writers call <c>SELECT pg_notify('rating_changes', userExternalId)</c> inside the writing transaction:
/// PostgreSQL delivers it only on commit, so a listener never evicts for a write that rolled back. Bulk
/// writes that touch many users send <see cref="AllUsers"/> once instead.
/// </remarks>
public static class RatingChangeChannel
{
    public const string Name = "rating_changes";

    /// <summary>Payload meaning "many users changed: drop everything".</summary>
    public const string AllUsers = "*";

    /// <summary>Above this many distinct users in one write, send <see cref="AllUsers"/> instead of one notice each.</summary>
    public const int MaxIndividualNotices = 1000;
}
