namespace RecommenderService.Api.Persistence.Entities;

/// <summary>The serialised model of a version, kept apart from its row so listing versions never reads blobs.</summary>
public sealed class ModelBlobEntity
{
    public int Version { get; set; }
    public required byte[] Data { get; set; }
    public long SizeBytes { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
