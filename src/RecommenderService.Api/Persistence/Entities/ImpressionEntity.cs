namespace RecommenderService.Api.Persistence.Entities;

/// <summary>
/// One list as it was served: which items at which positions, made by which model version, strategy and list source,
/// in which experiment arm. Owner: <c>ImpressionWriter</c>, which appends rows in batches with binary COPY, off the
/// serving path; <c>OutcomeRetention</c> deletes rows older than <c>Outcomes:RetentionDays</c>.
/// </summary>
public sealed class ImpressionEntity
{
    /// <summary>The <c>recommendationId</c> the list response carried.</summary>
    public Guid Id { get; set; }

    /// <summary>The user the list was for; null for lists without a user (popular and similar items).</summary>
    public string? UserId { get; set; }

    /// <summary>Which route served it: <c>recommendations</c>, <c>popular</c> or <c>similar</c>.</summary>
    public required string List { get; set; }

    /// <summary>How the list was made (the response's <c>strategy</c>; <c>similar</c> for similar items).</summary>
    public required string Strategy { get; set; }

    /// <summary>What ordered it: <c>ranking_head</c>, <c>rating_head</c>, <c>popularity</c> or <c>item_factors</c>.</summary>
    public required string Source { get; set; }

    /// <summary>The model version that served it; null while no model was active.</summary>
    public int? ModelVersion { get; set; }

    /// <summary>The experiment running when it was served, if the user was in one.</summary>
    public long? ExperimentId { get; set; }

    /// <summary><c>control</c> or <c>treatment</c> within <see cref="ExperimentId"/>.</summary>
    public string? Arm { get; set; }

    /// <summary>The listed item ids, best first: position p is index p.</summary>
    public required string[] Items { get; set; }

    public DateTimeOffset ServedAt { get; set; }
}
