using System.ComponentModel.DataAnnotations;
using RecommenderService.Engine;

namespace RecommenderService.Api.Items.PopularItems;

/// <summary>
/// The popularity lists (section <c>Popularity</c>): the damped mean <c>(C·μ + Σr) / (C + n)</c> and the other candidates
/// for the list newcomers are served (<see cref="PopularityList"/>), and which one they are served.
/// </summary>
public sealed class PopularityOptions : IValidatableObject
{
    /// <summary>The value of <see cref="NewcomerList"/> that serves the list each training judged best.</summary>
    public const string Auto = "auto";

    public const string SectionName = "Popularity";

    /// <summary>C, the prior count: how many "average" ratings every item starts with.</summary>
    [Range(0, 1_000_000)]
    public double PriorCount { get; set; } = 10;

    /// <summary>
    /// Distinct users (ratings; one per user and item) an item needs to enter the popular list, and to count
    /// towards μ: one user's ratings, however many, neither put an item on the list nor move the prior.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MinimumRaters { get; set; } = 3;

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

    /// <summary>
    /// The list newcomers (no ratings, no profile) and <c>GET /api/v1/items/popular</c> get: <c>auto</c> (default) = the
    /// one the active model version's training judged best on its newcomers; or a list name to pin one
    /// (<see cref="PopularityLists.Names"/>). Before any version has judged, <c>damped-mean</c>.
    /// </summary>
    public string NewcomerList { get; set; } = Auto;

    /// <summary>The window of <c>recent-most-rated</c>: ratings dated today and on the N UTC days before it.</summary>
    [Range(0, 365)]
    public int RecentDays { get; set; } = PopularitySettings.DefaultRecentDays;

    /// <summary>The half-life of <c>trending</c> in days: a rating H days old counts half.</summary>
    [Range(0.01, 10_000)]
    public double HalfLifeDays { get; set; } = PopularitySettings.DefaultHalfLifeDays;

    /// <summary>The pinned list; null for <c>auto</c>.</summary>
    public PopularityList? PinnedList => PopularityLists.TryParse(NewcomerList, out var list) ? list : null;

    /// <summary>The engine's view of these settings, for the training to judge the lists the service would serve.</summary>
    public PopularitySettings ToSettings() => new(PriorCount, WindowDays, RecentDays, HalfLifeDays, PinnedList, MinimumRaters);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.Equals(NewcomerList, Auto, StringComparison.OrdinalIgnoreCase) && PinnedList is null)
            yield return new ValidationResult(
                $"Popularity:NewcomerList must be {Auto} or one of {string.Join(", ", PopularityLists.Names)} (got '{NewcomerList}').",
                [nameof(NewcomerList)]);
    }
}
