using System.ComponentModel.DataAnnotations;

namespace RecommenderService.Api.Serving;

/// <summary>The popularity list (section <c>Popularity</c>): a damped mean <c>(C·μ + Σr) / (C + n)</c>.</summary>
public sealed class PopularityOptions
{
    public const string SectionName = "Popularity";

    /// <summary>C, the prior count: how many "average" ratings every item starts with.</summary>
    [Range(0, 1_000_000)]
    public double PriorCount { get; set; } = 10;

    /// <summary>How often the list is recomputed from PostgreSQL.</summary>
    [Range(1, 86_400)]
    public int RefreshSeconds { get; set; } = 60;

    /// <summary>Only ratings of the last N days count; 0 = all time.</summary>
    [Range(0, 36_500)]
    public int WindowDays { get; set; }
}
