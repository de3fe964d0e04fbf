using System.ComponentModel.DataAnnotations;
using RecommenderService.Engine;

namespace RecommenderService.Api.Recommendations;

/// <summary>
/// New-item exposure in personalised lists (section <c>Exploration</c>, docs/operations.md): the share of slots from
/// position 4 on that go to new items, and what counts as new. Validated on start.
/// </summary>
public sealed class ExplorationSettings
{
    public const string SectionName = "Exploration";

    /// <summary>Share of a personalised list's slots from position 4 on given to new items, 0 (off) to 0.9.</summary>
    [Range(0, 0.9)]
    public double Share { get; set; } = ExplorationOptions.DefaultShare;

    /// <summary>An item with at most this many ratings counts as new.</summary>
    [Range(0, 1_000_000)]
    public int MaxRatings { get; set; } = new ExplorationOptions().MaxRatings;

    /// <summary>An item first seen by the service at most this many days ago counts as new.</summary>
    [Range(0, 3650)]
    public double MaxAgeDays { get; set; } = new ExplorationOptions().MaxAgeDays;

    /// <summary>
    /// The newest new items a list's exploration slots choose among: each list scores them all for its user, so a
    /// catalogue imported at once (every item new) costs a bounded amount per list.
    /// </summary>
    [Range(1, 100_000, ErrorMessage = "Exploration:MaxCandidates must be 1 to 100000")]
    public int MaxCandidates { get; set; } = 1_000;

    public ExplorationOptions ToOptions() => new() { Share = Share, MaxRatings = MaxRatings, MaxAgeDays = MaxAgeDays };
}
