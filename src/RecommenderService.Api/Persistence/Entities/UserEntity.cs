namespace RecommenderService.Api.Persistence.Entities;

/// <summary>A user known to the service: the caller's id and our compact surrogate key.</summary>
public sealed class UserEntity
{
    public int Id { get; set; }
    public required string ExternalId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
