namespace RecommenderService.Api.Persistence.Entities;

/// <summary>
/// An experiment between the active model version (control) and a stored one (treatment) served to a sticky share of
/// users. At most one runs at a time (a partial unique index). Owner: <c>ExperimentStore</c>; an activation ends a
/// running one in its own transaction (<c>ModelVersionStore</c>).
/// </summary>
public sealed class ExperimentEntity
{
    public long Id { get; set; }
    public int ControlVersion { get; set; }
    public int TreatmentVersion { get; set; }

    /// <summary>The share of users served the treatment, in (0, 1).</summary>
    public double Share { get; set; }

    /// <summary><c>running</c>, <c>stopped</c>, <c>promoted</c> or <c>ended</c> (another activation ended it).</summary>
    public required string Status { get; set; }

    /// <summary>Why it is no longer running, in words; null while it runs.</summary>
    public string? EndReason { get; set; }

    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
}
