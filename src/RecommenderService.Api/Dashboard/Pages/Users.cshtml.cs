using Microsoft.AspNetCore.Mvc.RazorPages;

using RecommenderService.Api.Items;
using RecommenderService.Api.Ratings;
using RecommenderService.Api.Recommendations;
using RecommenderService.Api.Recommendations.Feeds;
using RecommenderService.Api.Validation;

namespace RecommenderService.Api.Dashboard.Pages;

/// <summary>
/// "What does user 196 get, and why?": a user's ratings, with titles, beside the list the service gives them, made by
/// the same <see cref="RecommendationService"/> as <c>GET /api/v1/users/{userId}/recommendations</c> with the same
/// parameters (<c>count</c>, <c>filter</c>, <c>exclude</c>, <c>excludeRated</c>) and their reasons.
/// </summary>
public sealed class UsersPage(RecommendationService recommendations, UserRatingList ratings, ItemTitles titles, RecentUsers recent) : PageModel
{
    /// <summary>How many of the user's ratings are shown, newest first.</summary>
    public const int RatingsShown = 50;

    public string? UserId { get; private set; }
    public string Count { get; private set; } = ListLimits.DefaultCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
    public IReadOnlyList<string> Filters { get; private set; } = [];
    public string? Exclude { get; private set; }
    public bool ExcludeRated { get; private set; } = true;

    public IDictionary<string, string[]> Problems { get; private set; } = new Dictionary<string, string[]>();
    public RecommendationResponse? List { get; private set; }
    public IReadOnlyList<(UserRatingItem Rating, string? Title)> Ratings { get; private set; } = [];
    public bool MoreRatings { get; private set; }
    public IReadOnlyList<string> RecentUsers { get; private set; } = [];

    public async Task OnGetAsync(string? user, string? count, string[]? filter, string? exclude, CancellationToken cancellationToken)
    {
        RecentUsers = await recent.ReadAsync(12, cancellationToken);
        if (string.IsNullOrEmpty(user)) return;

        UserId = user;
        Count = count ?? Count;
        Filters = (filter ?? []).Where(f => !string.IsNullOrWhiteSpace(f)).ToList();
        Exclude = string.IsNullOrWhiteSpace(exclude) ? null : exclude.Replace(" ", "", StringComparison.Ordinal);
        ExcludeRated = ReadExcludeRated();

        // The API's own checks, so the page refuses what the API refuses, in the same words.
        var errors = new ValidationErrors();
        errors.AddIdProblem("user", user);
        var size = ListLimits.DefaultCount;
        if (!int.TryParse(Count, out size)) errors.Add("count", $"count must be a whole number between 1 and {ListLimits.MaxCount}.");
        else ListLimits.CheckCount(size, errors);
        var feed = FeedQuery.Read(size, null, Exclude, Filters.ToArray(), "reasons", errors);
        if (!errors.IsEmpty)
        {
            Problems = errors.ToDictionary();
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        List = await recommendations.RecommendAsync(user, feed, ExcludeRated, cancellationToken);
        var page = await ratings.PageAsync(user, RatingsShown, null, cancellationToken);
        var names = await titles.GetAsync(page.Items.Select(r => r.ItemId).ToArray(), cancellationToken);
        Ratings = page.Items.Select((r, k) => (r, names[k])).ToList();
        MoreRatings = page.NextCursor is not null;
    }

    /// <summary>
    /// The form sends <c>excludeRated=false</c> from a hidden field, and <c>true</c> from the checkbox before it when
    /// ticked; a link without the parameter means the API's default, true.
    /// </summary>
    private bool ReadExcludeRated()
    {
        var values = Request.Query["excludeRated"];
        return values.Count == 0 || values.Contains("true");
    }
}
