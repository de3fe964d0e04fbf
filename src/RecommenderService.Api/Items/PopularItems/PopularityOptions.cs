using System.ComponentModel.DataAnnotations;

namespace RecommenderService.Api.Items.PopularItems;

/// <summary>The popularity list (section <c>Popularity</c>): a damped mean <c>(C·μ + Σr) / (C + n)</c>.</summary>
public sealed class PopularityOptions
{
    public const string SectionName = "Popularity";

    /// <summary>C, the prior count: how many "average" ratings every item starts with.</summary>
    [Range(0, 1_000_000)]
    public double PriorCount { get; set; } = 10;

    /// <summary>
    /// Safety net: the list is recomputed this often even without a change notice (a missed notice, or the
    /// window moving on). Changes themselves reach the list within about <see cref="DebounceMilliseconds"/>.
    /// </summary>
    [Range(1, 86_400)]
    public int RefreshSeconds { get; set; } = 60;

    /// <summary>After a change notice, wait this long for more before recomputing (one refresh per burst).</summary>
    [Range(0, 10_000)]
    public int DebounceMilliseconds { get; set; } = 200;

    /// <summary>
    /// Only ratings dated (<c>rated_at</c>) on the last N UTC days count — today and the N days before it,
    /// counted in whole days from the per-day item statistics; 0 = all time. At most 365: the per-day
    /// statistics keep the last 366 days only.
    /// </summary>
    [Range(0, 365)]
    public int WindowDays { get; set; }
}
