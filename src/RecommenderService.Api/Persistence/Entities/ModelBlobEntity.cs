namespace RecommenderService.Api.Persistence.Entities;

/// <summary>The serialised model of a version, kept apart from its row so listing versions never reads blobs.</summary>
public sealed class ModelBlobEntity
{
    public int Version { get; set; }
    public required byte[] Data { get; set; }

    /// <summary>
    /// The model's item indexes (<c>ItemIndexFile</c>), built by the training for a catalogue large enough to be indexed,
    /// so replicas load them instead of building them; null when it has none.
    /// </summary>
    public byte[]? ItemIndexes { get; set; }
    public long SizeBytes { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
