namespace RecommenderService.Api.Users.Erasure;

/// <summary>
/// Orders a user's erasure against the writing of queued lists (impressions): the erasure takes it exclusively before it
/// deletes their impressions, and each batch of impressions shares it before it looks its users up in
/// <c>erased_users</c>, so either the batch commits first and the erasure's delete sees its rows, or the erasure commits
/// first and the batch's lookup sees it.
/// </summary>
public static class ErasedListLock
{
    /// <summary>"impression erasure", the same in every replica.</summary>
    private const long Key = 0x496D_7072_4572_6173;

    public static readonly string WriteSql = $"SELECT pg_advisory_xact_lock_shared({Key})";

    public static readonly string EraseSql = $"SELECT pg_advisory_xact_lock({Key})";
}
