using System.Globalization;
using RecommenderService.Api.Items;
using RecommenderService.Api.Model.Loading;
using RecommenderService.Api.Users;
using RecommenderService.Engine;

namespace RecommenderService.Api.Recommendations;

/// <summary>
/// The reasons of a page of a list (<c>include=reasons</c>, docs/api.md "Reasons"): for lists the ranking model made,
/// the user's rated items whose contributions make up each item's score (<see cref="RankingReasons"/>, exact); for the
/// popular list, <c>popular</c>; otherwise <c>none</c> with why.
/// </summary>
public sealed class ListReasons(UserModelViews views, ItemTitles titles)
{
    private const int PerItem = 3;

    /// <summary>
    /// Reasons for <paramref name="top"/>, a page ranked from <paramref name="view"/>; <paramref name="user"/> is null
    /// when the user's ratings could not be read.
    /// </summary>
    public async Task<RecommendationReasons[]> ForPageAsync(ServingModel serving, UserRatings? user, UserModelView view, ScoredItem[] top,
        CancellationToken cancellationToken)
    {
        var model = serving.Model;
        if (!(serving.ListsFromRankingHead && view.HasRankingVectorIn(model)))
            return Fill(top.Length, None("This list is ordered by predicted rating, which does not split into per-item reasons."));
        if (user is null)
            return Fill(top.Length, None("Your ratings could not be read just now, so no reasons can be given."));

        var explained = Explain(serving, user, view, top);

        var ratedIds = explained.SelectMany(e => e.Top).Select(r => model.Items[r.Item]).Distinct(StringComparer.Ordinal).ToArray();
        var names = await titles.GetOrFallbackAsync(ratedIds, null, cancellationToken);
        var titleOf = new Dictionary<string, string?>(ratedIds.Length, StringComparer.Ordinal);
        for (var k = 0; k < ratedIds.Length; k++) titleOf[ratedIds[k]] = names[k];

        var result = new RecommendationReasons[top.Length];
        for (var k = 0; k < top.Length; k++)
        {
            var item = explained[k];
            if (item.Top.Length == 0)
            {
                result[k] = None("Nothing you rated speaks for this item; it is listed for lack of better ones.");
                continue;
            }
            var shares = new RatedItemShare[item.Top.Length];
            for (var r = 0; r < shares.Length; r++)
            {
                var id = model.Items[item.Top[r].Item];
                shares[r] = new RatedItemShare(id, titleOf[id], Math.Round(item.Top[r].Share, 4));
            }
            result[k] = new RecommendationReasons(ReasonKind.Rated, Sentence(shares), shares,
                UnexplainedShare: Math.Round(item.Unexplained / item.Score, 4));
        }
        return result;
    }

    /// <summary>The engine's split of each page item's score, or the last page's when the same page is asked again.</summary>
    private ItemReasons[] Explain(ServingModel serving, UserRatings user, UserModelView view, ScoredItem[] top)
    {
        if (view.LastReasons is { } last && last.Matches(top)) return last.Reasons;
        var reasons = views.ReasonsFor(serving, user, view);
        var served = view.RankingVectorIn(serving.Model);
        var explained = new ItemReasons[top.Length];
        var items = new int[top.Length];
        for (var k = 0; k < top.Length; k++)
        {
            items[k] = top[k].Item;
            explained[k] = reasons.Explain(top[k].Item, served, PerItem);
        }
        view.LastReasons = new ExplainedPage(items, explained);
        return explained;
    }

    /// <summary>The popular list's reasons: how many ratings each item has and their mean.</summary>
    public static RecommendationReasons Popular(int ratingCount, double meanRating) =>
        new(ReasonKind.Popular, string.Create(CultureInfo.InvariantCulture, $"Popular: rated {ratingCount:N0} times, {meanRating:0.0} stars on average."));

    /// <summary>
    /// <paramref name="reasons"/> with each exploration slot's reason <c>new</c>, and, for a user served from their
    /// profile or onboarding likes alone, the remaining items' reason saying so (they rated nothing to split a score over).
    /// </summary>
    public static RecommendationReasons[] WithExploration(RecommendationReasons[] reasons, IReadOnlyList<ExploredItem> top, string strategy)
    {
        for (var k = 0; k < reasons.Length; k++)
        {
            if (top[k].Exploration)
                reasons[k] = new RecommendationReasons(ReasonKind.New, "New in the catalogue: shown to you to gather its first ratings.");
            else if (strategy == RecommendationStrategy.Profile && reasons[k].Kind != ReasonKind.Rated)
                reasons[k] = new RecommendationReasons(ReasonKind.Profile, "Listed for people with a profile like yours.");
            else if (strategy == RecommendationStrategy.Onboarding && reasons[k].Kind != ReasonKind.Rated)
                reasons[k] = new RecommendationReasons(ReasonKind.Onboarding, "Listed from the kinds of items you said you like.");
        }
        return reasons;
    }

    private static RecommendationReasons None(string why) => new(ReasonKind.None, why);

    private static RecommendationReasons[] Fill(int count, RecommendationReasons reasons) => Enumerable.Repeat(reasons, count).ToArray();

    /// <summary>"Because you rated A", "A and B", "A, B and C", by title, or by id where the catalogue has none.</summary>
    private static string Sentence(RatedItemShare[] shares)
    {
        var names = shares.Select(s => s.Title ?? s.ItemId).ToArray();
        return "Because you rated " + (names.Length == 1 ? names[0] : string.Join(", ", names[..^1]) + " and " + names[^1]);
    }
}
