using System.Globalization;
using RecommenderService.Api.Items;
using RecommenderService.Api.Model.Loading;
using RecommenderService.Api.Users;
using RecommenderService.Engine;

namespace RecommenderService.Api.Recommendations;

/// <summary>
/// The reasons of a page of a list (<c>include=reasons</c>, docs/api.md "Reasons"): for lists the ranking model made,
/// the user's rated items and told attributes whose contributions make up each item's score (<see cref="RankingReasons"/>,
/// exact); for the popular list, <c>popular</c>; for exploration slots, <c>new</c>; otherwise <c>none</c> with why.
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
            return Fill(top.Length, view.Strategy switch
            {
                // The rating head's vector of a profile does not split over the profile: say what the list is made from.
                RecommendationStrategy.Profile => new RecommendationReasons(ReasonKind.Profile, "Listed for people with a profile like yours."),
                RecommendationStrategy.Onboarding => new RecommendationReasons(ReasonKind.Onboarding, "Listed from the kinds of items you said you like."),
                _ => None("This list is ordered by predicted rating, which does not split into per-item reasons."),
            });
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
            var attributes = Array.ConvertAll(item.Attributes, Told);
            if (item.Top.Length == 0 && attributes.Length == 0)
            {
                result[k] = None(view.Strategy switch
                {
                    RecommendationStrategy.Profile => "Nothing in your profile singles this item out: it ranks high for anyone with a profile.",
                    RecommendationStrategy.Onboarding => "Nothing you said you like speaks for this item: it is listed for lack of better ones.",
                    _ => "Nothing you rated speaks for this item; it is listed for lack of better ones.",
                });
                continue;
            }
            var shares = new RatedItemShare[item.Top.Length];
            for (var r = 0; r < shares.Length; r++)
            {
                var id = model.Items[item.Top[r].Item];
                shares[r] = new RatedItemShare(id, titleOf[id], Math.Round(item.Top[r].Share, 4));
            }
            var kind = shares.Length > 0 ? ReasonKind.Rated
                : view.Strategy == RecommendationStrategy.Onboarding || view.Strategy != RecommendationStrategy.Profile
                  && Array.Exists(attributes, a => a.Source == AttributeShare.FromLikes) ? ReasonKind.Onboarding
                : ReasonKind.Profile;
            // What no rated item or told attribute makes: the mean user's part of a profile, and any remainder training left.
            result[k] = new RecommendationReasons(kind, Sentence(shares, attributes), shares.Length > 0 ? shares : null,
                attributes.Length > 0 ? attributes : null, Math.Round((item.Unexplained + item.Base) / item.Score, 4));
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

    /// <summary><paramref name="reasons"/> with each exploration slot's reason <c>new</c>.</summary>
    public static RecommendationReasons[] WithExploration(RecommendationReasons[] reasons, IReadOnlyList<ExploredItem> top)
    {
        for (var k = 0; k < reasons.Length; k++)
            if (top[k].Exploration)
                reasons[k] = new RecommendationReasons(ReasonKind.New, "New in the catalogue: shown to you to gather its first ratings.");
        return reasons;
    }

    /// <summary>A told token (<c>key:value</c>) as the contract names it.</summary>
    private static AttributeShare Told(AttributeReason reason)
    {
        var colon = reason.Token.IndexOf(':', StringComparison.Ordinal);
        var (key, value) = colon < 0 ? (reason.Token, "") : (reason.Token[..colon], reason.Token[(colon + 1)..]);
        return new AttributeShare(key, value, reason.Source == RankingPriorSource.Like ? AttributeShare.FromLikes : AttributeShare.FromProfile,
            Math.Round(reason.Share, 4));
    }

    private static RecommendationReasons None(string why) => new(ReasonKind.None, why);

    private static RecommendationReasons[] Fill(int count, RecommendationReasons reasons) => Enumerable.Repeat(reasons, count).ToArray();

    /// <summary>
    /// "Because you rated A and B", "Because you like Sci-Fi", "Because of your age 25-34 and occupation engineer", joined
    /// by ", and " when several kinds speak; rated items by title, or by id where the catalogue has none.
    /// </summary>
    private static string Sentence(RatedItemShare[] rated, AttributeShare[] told)
    {
        var parts = new List<string>(3);
        if (rated.Length > 0) parts.Add("you rated " + Listing(rated.Select(s => s.Title ?? s.ItemId)));
        var likes = told.Where(a => a.Source == AttributeShare.FromLikes).Select(a => a.Value).ToArray();
        if (likes.Length > 0) parts.Add("you like " + Listing(likes));
        var profile = told.Where(a => a.Source == AttributeShare.FromProfile).Select(a => $"{a.Key} {a.Value}").ToArray();
        if (profile.Length > 0) parts.Add("of your " + Listing(profile));
        return "Because " + string.Join(", and ", parts);
    }

    private static string Listing(IEnumerable<string> names)
    {
        var all = names.ToArray();
        return all.Length == 1 ? all[0] : string.Join(", ", all[..^1]) + " and " + all[^1];
    }
}
