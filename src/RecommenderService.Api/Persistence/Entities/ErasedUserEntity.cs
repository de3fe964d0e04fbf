namespace RecommenderService.Api.Persistence.Entities;

/// <summary>
/// A user who was erased: a stored model trained before that may still hold their vector, and no replica
/// may serve it. Owner: <c>ErasedUsers</c> (its command runs in the erasing transaction).
/// </summary>
/// <remarks>
/// A keyed hash of the external id, not the id: the erasure must not itself keep the identifier it was
/// asked to forget, yet a replica must recognise the id when it comes back (the hash answers "was this id
/// erased?" for a caller who already knows the id and the key, and nothing more). A plain hash would let anyone
/// with the table test a dictionary of likely ids.
/// </remarks>
public sealed class ErasedUserEntity
{
    public required byte[] ExternalIdHash { get; set; }

    /// <summary>Which key made the hash (<c>KeyedIds</c>); "sha256" for rows recorded before hashes were keyed.</summary>
    public required string KeyId { get; set; }

    public DateTimeOffset ErasedAt { get; set; }
}
