using Npgsql;
using RecommenderService.Api.Items;
using RecommenderService.Api.Items.PopularItems;
using RecommenderService.Api.Model.Loading;
using RecommenderService.Api.Observability;
using RecommenderService.Api.Outcomes.Impressions;
using RecommenderService.Api.Users;
using RecommenderService.Api.Users.Erasure;
using RecommenderService.Engine;

using RecommenderService.Api.Model.Experiments;
using RecommenderService.Api.Recommendations.Feeds;
using RecommenderService.Api.Recommendations.PopularItems;
namespace RecommenderService.Api.Recommendations;

/// <summary>
/// Makes a user's list: from the model, from a folded-in vector, or from popularity (API.md,
/// "Recommendations"). Reads the served model once per request through <see cref="ExperimentRouting"/>: the active
/// model with untrained catalogue items derived from their attributes (<see cref="ColdItemOverlay"/>, so new items can enter
/// lists), or, for a user in a running experiment's treatment arm, the experiment's version. Every list gets its id and
/// impression (<see cref="ImpressionStamp"/>).
/// </summary>
public sealed class RecommendationService(
    ExperimentRouting experiments,
    ImpressionStamp stamp,
    UserRatingsCache users,
    UserModelViews views,
    PopularityCache popularity,
    NewcomerListChoice newcomerList,
    ItemTitles titles,
    ItemAttributeIndex attributes,
    ServingMetrics metrics,
    CacheMetrics caches,
    ErasedUsers erased,
    ListReasons reasons,
    ListableItems listable,
    NewItems newItems,
    Microsoft.Extensions.Options.IOptions<ExplorationSettings> exploration,
    ILogger<RecommendationService> logger)
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
        UserRatings user;
        try
        {
            user = await users.GetAsync(userId, cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException && erased.IsErased(userId))
        {
            // The database is down and this user was erased: served as an unknown user is, from the popular
            // list in memory, and never from the model's vector (which may predate the erasure).
            // No user id in the line: the request line beside it (same RequestId) carries the keyed user hash.
            logger.LogWarning("Database unavailable ({Error}); serving an erased user from popularity", ex.Message);
            metrics.Recommended(RecommendationStrategy.Popularity, ServingMetrics.Source.Popularity);
            return new RecommendationResponse(userId, RecommendationStrategy.Popularity, serving?.Version, 
                await PopularListAsync(feed, [], listing, feed.HasFilters ? await attributes.MatchingAsync(feed.Filters, cancellationToken) : null, cancellationToken))
                { Degraded = true };
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException && serving is not null
                                   && erased.MayUseStoredVector(userId) && serving.Model.Users.TryGetIndex(userId, out _))
        {
            // The database is down but the model in memory knows this user: serve it rather than fail.
            // Their rated items cannot be read, so none are excluded; logged so it is not silent.
            logger.LogWarning("Database unavailable ({Error}); serving a user from the model without exclusions", ex.Message);
            var model = serving.Model;
            model.Users.TryGetIndex(userId, out var index);
            var fallback = new UserModelView(serving.Version, RecommendationStrategy.Model, model.UserBias[index], null, [],
                ColdStamp: serving.ColdStamp, UserIndex: index);
            if (serving.ListSource != ListSource.Popularity)
            {
                var skipped = FeedExclusions.For(model, [], feed.Exclude, feed.HasFilters ? await attributes.MatchingAsync(feed.Filters, cancellationToken) : null,
                    listing.SkippedIn(serving));
                return await ListAsync(serving, userId, null, fallback, Page(Plain(Rank(serving, fallback, feed.Depth, skipped)), feed), feed, cancellationToken)
                    with { Degraded = true };
            }
            user = UserRatings.Unknown(userId);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            // The database is down and neither the model nor this replica's cache knows the user (a newcomer, or one
            // this replica never served): the popular list in memory is what any unknown user gets, so serve it.
            logger.LogWarning("Database unavailable ({Error}); serving a user unknown to the model from popularity", ex.Message);
            metrics.Recommended(RecommendationStrategy.Popularity, ServingMetrics.Source.Popularity);
            return new RecommendationResponse(userId, RecommendationStrategy.Popularity, serving?.Version,
                await PopularListAsync(feed, [], listing, feed.HasFilters ? await attributes.MatchingAsync(feed.Filters, cancellationToken) : null, cancellationToken))
                { Degraded = true };
        }

        var matching = feed.HasFilters ? await attributes.MatchingAsync(feed.Filters, cancellationToken) : null;
        // A model whose lists lost to popularity on its holdout serves predictions, not lists.
        if (serving is not null && (user.Count > 0 || !user.Profile.IsEmpty) && serving.ListSource != ListSource.Popularity)
        {
            var view = views.For(serving, user);
            if (view.Strategy != RecommendationStrategy.Popularity)
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
                // Exploration slots must skip what the list skips: rated, retired and erased items.
                if (exploration.Value.Share > 0 && ReferenceEquals(excluded, rated))
                    excluded = FeedExclusions.For(serving.Model, rated, feed.Exclude, null, listing.SkippedIn(serving));
                var explored = await ExploreAsync(serving, userId, view, top, view.RatedModelItems.Length > rated.Length ? [.. excluded, .. view.RatedModelItems] : excluded,
                    feed, cancellationToken);
                return await ListAsync(serving, userId, user, view, Page(explored, feed), feed, cancellationToken);
            }
        }

        var list = await PopularListAsync(feed, excludeRated ? user.ItemIds : [], listing, matching, cancellationToken);
        metrics.Recommended(RecommendationStrategy.Popularity, ServingMetrics.Source.Popularity);
        return new RecommendationResponse(userId, RecommendationStrategy.Popularity, serving?.Version, list);
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
        var extras = feed.IncludeAttributes ? await AttributesAsync(ids, cancellationToken) : null;
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

    /// <summary>Attributes are decoration too (<c>include=attributes</c>): without the database, none rather than no list.</summary>
    private async ValueTask<System.Text.Json.JsonElement?[]> AttributesAsync(string[] ids, CancellationToken cancellationToken)
    {
        try
        {
            return await attributes.AttributesAsync(ids, cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            logger.LogWarning("Item attributes unavailable: {Error}", ex.Message);
            return new System.Text.Json.JsonElement?[ids.Length];
        }
    }

    private async Task<RecommendedItem[]> PopularListAsync(FeedQuery feed, string[] rated, Listing listing, HashSet<string>? matching,
        CancellationToken cancellationToken)
    {
        var snapshot = await popularity.GetAsync(cancellationToken);
        var skip = rated.Length == 0 ? null : new HashSet<string>(rated, StringComparer.Ordinal);
        var page = new List<ScoredItem>(feed.Count);
        var passed = 0;
        foreach (var entry in snapshot.Ranking(newcomerList.Current))
        {
            var id = snapshot.ItemIds[entry.Item];
            if (skip is not null && skip.Contains(id) || !FeedExclusions.Allows(id, feed.Exclude, matching)
                || !listing.MayListPopular(id, snapshot.ErasuresHeard)) continue;
            if (passed++ < feed.Offset) continue;
            page.Add(entry);
            if (page.Count == feed.Count) break;
        }
        var ids = page.Select(e => snapshot.ItemIds[e.Item]).ToArray();
        var extras = feed.IncludeAttributes ? await AttributesAsync(ids, cancellationToken) : null;
        // Titles from the title cache, which every replica's item writes invalidate: the snapshot's copy is only as
        // new as the last change in ratings.
        var names = await titles.GetOrFallbackAsync(ids, k => snapshot.Titles[page[k].Item], cancellationToken);
        var items = new RecommendedItem[page.Count];
        for (var k = 0; k < page.Count; k++)
        {
            var entry = page[k].Item;
            var (raters, mean) = snapshot.Figures(entry);
            var why = feed.IncludeReasons ? ListReasons.Popular(raters, mean) : null;
            items[k] = new RecommendedItem(ids[k], Math.Round(page[k].Score, 4), names[k], null, extras?[k], why);
        }
        return items;
    }
}
