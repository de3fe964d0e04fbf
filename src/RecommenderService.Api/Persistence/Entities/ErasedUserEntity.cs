namespace RecommenderService.Api.Persistence.Entities;

/// <summary>
/// A user who was erased: a stored model trained before that may still hold their vector, and no replica
/// may serve it. Owner: <c>ErasedUsers</c> (its command runs in the erasing transaction).
/// </summary>
/// <remarks>
/// The SHA-256 of the external id, not the id: the erasure must not itself keep the identifier it was
/// asked to forget, yet a replica must recognise the id when it comes back (a hash answers "was this id
/// erased?" for a caller who already knows the id, and nothing more).
/// </remarks>
public sealed class ErasedUserEntity
{
    public required byte[] ExternalIdHash { get; set; }
    public DateTimeOffset ErasedAt { get; set; }
}
