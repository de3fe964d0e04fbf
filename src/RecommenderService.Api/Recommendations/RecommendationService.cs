using RecommenderService.Api.Items;
using RecommenderService.Api.Model.Experiments;
using RecommenderService.Api.Model.Loading;
using RecommenderService.Api.Observability;
using RecommenderService.Api.Outcomes.Impressions;
using RecommenderService.Api.Recommendations.Feeds;
using RecommenderService.Api.Recommendations.PopularItems;
using RecommenderService.Api.Users;
using RecommenderService.Engine;

namespace RecommenderService.Api.Recommendations;

/// <summary>
/// Makes a user's list as <see cref="ServingPlans"/> decided: ranked from the model (the user's own, folded-in, profile or
/// onboarding vector) or the popular list (API.md, "Recommendations"). Reads the served model once per request through <see cref="ExperimentRouting"/>: the active
/// model with untrained catalogue items derived from their attributes (<see cref="ServingModelSource"/>, so new items can enter
/// lists), or, for a user in a running experiment's treatment arm, the experiment's version. Every list gets its id and
/// impression (<see cref="ImpressionStamp"/>).
/// </summary>
public sealed class RecommendationService(
    ExperimentRouting experiments,
    ImpressionStamp stamp,
    ServingPlans plans,
    PopularPages popularPages,
    NewcomerListChoice newcomerList,
    ItemTitles titles,
    ItemAttributeIndex attributes,
    ServingMetrics metrics,
    CacheMetrics caches,
    ListReasons reasons,
    ListableItems listable,
    NewItems newItems,
    Microsoft.Extensions.Options.IOptions<ExplorationSettings> exploration)
{
    public async Task<RecommendationResponse> RecommendAsync(string userId, FeedQuery feed, bool excludeRated, CancellationToken cancellationToken)
    {
        var arm = await experiments.ForUserAsync(userId, cancellationToken);
        var response = await ComposeAsync(userId, arm.Serving, feed, excludeRated, cancellationToken);
        var ids = new string[response.Items.Count];
        for (var k = 0; k < ids.Length; k++) ids[k] = response.Items[k].ItemId;
        var (id, impression) = stamp.Next(ListKinds.Recommendations, userId, response.Strategy, response.Source, response.ModelVersion,
            arm.ExperimentId, arm.Arm, ids);
        return response with { RecommendationId = id, ExperimentArm = arm.Arm, Impression = impression };
    }

    /// <summary>The list from <paramref name="serving"/> (the active model, or an experiment's treatment; null: none yet).</summary>
    private async Task<RecommendationResponse> ComposeAsync(string userId, ServingModel? serving, FeedQuery feed, bool excludeRated,
        CancellationToken cancellationToken)
    {
        // Read once: every part of this answer follows the same availability and erasures.
        var listing = listable.Now();
        var plan = await plans.ForListAsync(userId, serving, cancellationToken);
        var matching = feed.HasFilters ? await attributes.MatchingAsync(feed.Filters, cancellationToken) : null;
        if (plan.View is { } view && serving is not null)
            return await RankedAsync(serving, userId, plan, view, feed, excludeRated, listing, matching, cancellationToken) with { Degraded = plan.Degraded };

        var rated = excludeRated && plan.User is { } user ? user.ItemIds : [];
        var list = await PopularListAsync(feed, rated, listing, matching, cancellationToken);
        metrics.Recommended(RecommendationStrategy.Popularity, ServingMetrics.Source.Popularity);
        return new RecommendationResponse(userId, RecommendationStrategy.Popularity, serving?.Version, list) { Degraded = plan.Degraded };
    }

    private async Task<RecommendationResponse> RankedAsync(ServingModel serving, string userId, ServingPlan plan, UserModelView view, FeedQuery feed,
        bool excludeRated, Listing listing, HashSet<string>? matching, CancellationToken cancellationToken)
    {
        var rated = excludeRated ? view.RatedModelItems : [];
        ScoredItem[] top;
        var excluded = rated;
        if (feed.Exclude.Count > 0 || matching is not null)
            top = Rank(serving, view, feed.Depth, excluded = FeedExclusions.For(serving.Model, rated, feed.Exclude, matching, listing.SkippedIn(serving)));
        else
        {
            // A user's list stays the same until their ratings change or the model swaps, and either makes a
            // new view: so the last list ranked from a view is kept on it (UserModelView.LastList), and a
            // repeated request skips the pass over every item's factors (most of a request's cost). A deeper
            // list holds every shallower one as its prefix, so scrolling down reuses nothing stale. A retirement
            // or erasure since makes it stale only when it holds the item; a restored item always does.
            var last = view.LastList;
            if (last is null || last.Depth < feed.Depth || last.ExcludeRated != excludeRated || !ListableItems.StillHolds(last, serving, listing))
            {
                caches.ListCacheMiss();
                last = new RankedList(feed.Depth, excludeRated, Rank(serving, view, feed.Depth, FeedExclusions.For(serving.Model, rated,
                    feed.Exclude, null, listing.SkippedIn(serving))), listing.View.Sequence, listing.ErasuresHeard);
                view.LastList = last;
            }
            else
            {
                caches.ListCacheHit();
                if (last.AvailabilitySequence != listing.View.Sequence || last.ErasuresHeard != listing.ErasuresHeard)
                    view.LastList = last = last with { AvailabilitySequence = listing.View.Sequence, ErasuresHeard = listing.ErasuresHeard };
            }
            top = last.Top;
        }
        // Without the database the list is what memory holds: no exploration slots either.
        if (plan.Degraded) return await ListAsync(serving, userId, plan.User, view, Page(Plain(top), feed), feed, cancellationToken);
        // Exploration slots must skip what the list skips: rated, retired and erased items.
        if (exploration.Value.Share > 0 && ReferenceEquals(excluded, rated))
            excluded = FeedExclusions.For(serving.Model, rated, feed.Exclude, null, listing.SkippedIn(serving));
        var explored = await ExploreAsync(serving, userId, view, top, view.RatedModelItems.Length > rated.Length ? [.. excluded, .. view.RatedModelItems] : excluded,
            feed, cancellationToken);
        return await ListAsync(serving, userId, plan.User, view, Page(explored, feed), feed, cancellationToken);
    }

    /// <summary>
    /// The ranked list with new items in its exploration slots (<see cref="Exploration"/>, section <c>Exploration</c>):
    /// the same slots and items for the user on every page until the model or their ratings change.
    /// </summary>
    private async ValueTask<ExploredItem[]> ExploreAsync(ServingModel serving, string userId, UserModelView view, ScoredItem[] top,
        int[] excluded, FeedQuery feed, CancellationToken cancellationToken)
    {
        var share = exploration.Value.Share;
        var seed = Exploration.SeedFor(userId, serving.Version);
        if (share <= 0 || !view.HasVector || Exploration.SlotCount(feed.Depth, share, seed) == 0) return Plain(top);
        var fresh = await newItems.ForAsync(serving, cancellationToken);
        return fresh.Length == 0 ? Plain(top) : Mix(serving, view, top, excluded, fresh, feed.Depth, share, seed);
    }

    private static ExploredItem[] Mix(ServingModel serving, UserModelView view, ScoredItem[] top, int[] excluded, int[] fresh, int depth,
        double share, ulong seed)
    {
        var model = serving.Model;
        // New items are ordered for the user by the score their list is ordered by.
        var ranking = serving.ListsFromRankingHead && view.HasRankingVectorIn(model) ? view.RankingVectorIn(model) : [];
        var candidates = Exploration.Candidates(model, view.RatingVectorIn(model), view.Bias, ranking, fresh, excluded,
            Exploration.CandidateCount(depth, share, seed), serving.ListScore);
        return Exploration.Mix(top, candidates, depth, share, seed);
    }

    private static ExploredItem[] Plain(ScoredItem[] top) => Array.ConvertAll(top, t => new ExploredItem(t.Item, t.Score, false));

    /// <summary>The page's slice of a ranking <see cref="FeedQuery.Depth"/> long (shorter when the list ran out).</summary>
    private static ExploredItem[] Page(ExploredItem[] top, FeedQuery feed) =>
        top.Length <= feed.Offset ? [] : top.AsSpan(feed.Offset, Math.Min(feed.Count, top.Length - feed.Offset)).ToArray();

    /// <summary>
    /// The list: ordered by the engine's <see cref="ListScore"/> (ranking head weighted by the rating head, or alone
    /// when that won) when the ranking head won on the model's holdout (it is trained for lists),
    /// otherwise by the rating head's predicted rating.
    /// </summary>
    private static ScoredItem[] Rank(ServingModel serving, UserModelView view, int count, int[] excluded) =>
        serving.ListsFromRankingHead && view.HasRankingVectorIn(serving.Model)
            ? TopKScan.ForUserList(serving.Model, view.RatingVectorIn(serving.Model), view.Bias, view.RankingVectorIn(serving.Model), count, excluded,
                serving.ListScore)
            : TopKScan.ForUser(serving.Model, view.RatingVectorIn(serving.Model), view.Bias, count, excluded);

    /// <summary>The response for a ranked page; <paramref name="user"/> is null when the user's ratings could not be read.</summary>
    private async Task<RecommendationResponse> ListAsync(ServingModel serving, string userId, UserRatings? user, UserModelView view, ExploredItem[] top,
        FeedQuery feed, CancellationToken cancellationToken)
    {
        var model = serving.Model;
        var ranked = view.HasRankingVectorIn(model) && serving.ListsFromRankingHead;
        var ids = new string[top.Length];
        for (var k = 0; k < top.Length; k++) ids[k] = model.Items[top[k].Item];
        var names = await titles.GetOrFallbackAsync(ids, null, cancellationToken);
        var extras = feed.IncludeAttributes ? await attributes.AttributesOrNoneAsync(ids, cancellationToken) : null;
        var why = feed.IncludeReasons
            ? ListReasons.WithExploration(await reasons.ForPageAsync(serving, user, view, Array.ConvertAll(top, t => new ScoredItem(t.Item, t.Score)),
                cancellationToken), top)
            : null;
        var items = new RecommendedItem[top.Length];
        for (var k = 0; k < top.Length; k++)
        {
            var item = top[k].Item;
            // The rating head's prediction is always shown as the rating; the list's own score is the
            // ListScore (a relative preference, not stars) when the ranking head ordered the list.
            var rating = Math.Round(model.Scale.Clamp(model.Score(view.RatingVectorIn(model), view.Bias, item)), 4);
            items[k] = new RecommendedItem(ids[k], ranked ? Math.Round(top[k].Score, 4) : rating, names[k], rating, extras?[k], why?[k], top[k].Exploration);
        }
        var source = ranked ? ServingMetrics.Source.RankingHead : ServingMetrics.Source.RatingHead;
        metrics.Recommended(view.Strategy, source);
        return new RecommendationResponse(userId, view.Strategy, serving.Version, items) { Source = source };
    }

    private async Task<RecommendedItem[]> PopularListAsync(FeedQuery feed, string[] rated, Listing listing, HashSet<string>? matching,
        CancellationToken cancellationToken)
    {
        var page = await popularPages.CutAsync(newcomerList.Current, feed, rated, listing, matching, cancellationToken);
        var items = new RecommendedItem[page.Ids.Length];
        for (var k = 0; k < items.Length; k++)
        {
            var entry = page.Entries[k];
            var (raters, mean) = page.Snapshot.Figures(entry.Item);
            var why = feed.IncludeReasons ? ListReasons.Popular(raters, mean) : null;
            items[k] = new RecommendedItem(page.Ids[k], Math.Round(entry.Score, 4), page.Titles[k], null, page.Attributes?[k], why);
        }
        return items;
    }
}
