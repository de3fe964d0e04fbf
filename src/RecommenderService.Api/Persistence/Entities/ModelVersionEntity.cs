namespace RecommenderService.Api.Persistence.Entities;

/// <summary>One trained (or failed, or rejected) model: its status, settings, figures and timings.</summary>
public sealed class ModelVersionEntity
{
    public int Version { get; set; }

    /// <summary>See <see cref="ModelStatus"/>.</summary>
    public required string Status { get; set; }

    /// <summary>Why a version was rejected or failed.</summary>
    public string? Reason { get; set; }

    /// <summary>The Hangfire job that produced it, if any.</summary>
    public string? JobId { get; set; }

    /// <summary>Hyperparameters as a JSON object (jsonb).</summary>
    public string Hyperparameters { get; set; } = "{}";

    /// <summary>Holdout metrics as a JSON object (jsonb).</summary>
    public string Metrics { get; set; } = "{}";

    public int UserCount { get; set; }
    public int ItemCount { get; set; }
    public long RatingCount { get; set; }
    public double TrainingSeconds { get; set; }

    /// <summary>Ratings written after this instant are not in the model (they are folded in instead).</summary>
    public DateTimeOffset? DataCutoff { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? TrainedAt { get; set; }
    public DateTimeOffset? ActivatedAt { get; set; }
}
