using Npgsql;
using RecommenderService.Api.Items;
using RecommenderService.Api.Items.Feeds;
using RecommenderService.Api.Items.PopularItems;
using RecommenderService.Api.Model.Loading;
using RecommenderService.Api.Observability;
using RecommenderService.Api.Users;
using RecommenderService.Api.Users.Erasure;
using RecommenderService.Engine;

namespace RecommenderService.Api.Recommendations;

/// <summary>
/// Makes a user's list: from the model, from a folded-in vector, or from popularity (API.md,
/// "Recommendations"). Reads the served model once per request through <see cref="ColdItemOverlay"/> (the active
/// model with untrained catalogue items derived from their attributes, so new items can enter lists).
/// </summary>
public sealed class RecommendationService(
    ColdItemOverlay models,
    UserRatingsCache users,
    UserModelViews views,
    PopularityCache popularity,
    ItemTitles titles,
    ItemAttributeIndex attributes,
    ServingMetrics metrics,
    CacheMetrics caches,
    ErasedUsers erased,
    ILogger<RecommendationService> logger)
{
    public async Task<RecommendationResponse> RecommendAsync(string userId, FeedQuery feed, bool excludeRated, CancellationToken cancellationToken)
    {
        var serving = await models.CurrentAsync(cancellationToken);
        UserRatings user;
        try
        {
            user = await users.GetAsync(userId, cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException && erased.IsErased(userId))
        {
            // The database is down and this user was erased: served as an unknown user is, from the popular
            // list in memory, and never from the model's vector (which may predate the erasure).
            logger.LogWarning("Database unavailable ({Error}); serving erased user {UserId} from popularity", ex.Message, userId);
            metrics.Recommended(RecommendationStrategy.Popularity, ServingMetrics.Source.Popularity);
            return new RecommendationResponse(userId, RecommendationStrategy.Popularity, serving?.Version, 
                await PopularListAsync(feed, [], feed.HasFilters ? await attributes.MatchingAsync(feed.Filters, cancellationToken) : null, cancellationToken))
                { Degraded = true };
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException && serving is not null
                                   && erased.MayUseStoredVector(userId) && serving.Model.Users.TryGetIndex(userId, out _))
        {
            // The database is down but the model in memory knows this user: serve it rather than fail.
            // Their rated items cannot be read, so none are excluded; logged so it is not silent.
            logger.LogWarning("Database unavailable ({Error}); serving user {UserId} from the model without exclusions", ex.Message, userId);
            var model = serving.Model;
            model.Users.TryGetIndex(userId, out var index);
            var fallback = new UserModelView(serving.Version, RecommendationStrategy.Model, model.UserBias[index], null, [],
                ColdStamp: serving.ColdStamp, UserIndex: index);
            if (serving.ListSource != ListSource.Popularity)
            {
                var skipped = FeedExclusions.For(model, [], feed.Exclude, feed.HasFilters ? await attributes.MatchingAsync(feed.Filters, cancellationToken) : null);
                return await ListAsync(serving, userId, fallback, Page(Rank(serving, fallback, feed.Depth, skipped), feed), feed, cancellationToken)
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
                await PopularListAsync(feed, [], feed.HasFilters ? await attributes.MatchingAsync(feed.Filters, cancellationToken) : null, cancellationToken))
                { Degraded = true };
        }

        var matching = feed.HasFilters ? await attributes.MatchingAsync(feed.Filters, cancellationToken) : null;
        // A model whose lists lost to popularity on its holdout serves predictions, not lists.
        if (serving is not null && user.Count > 0 && serving.ListSource != ListSource.Popularity)
        {
            var view = views.For(serving, user);
            if (view.Strategy != RecommendationStrategy.Popularity)
            {
                var rated = excludeRated ? view.RatedModelItems : [];
                ScoredItem[] top;
                if (feed.Exclude.Count > 0 || matching is not null)
                    top = Rank(serving, view, feed.Depth, FeedExclusions.For(serving.Model, rated, feed.Exclude, matching));
                else
                {
                    // A user's list stays the same until their ratings change or the model swaps, and either makes a
                    // new view: so the last list ranked from a view is kept on it (UserModelView.LastList), and a
                    // repeated request skips the pass over every item's factors (most of a request's cost). A deeper
                    // list holds every shallower one as its prefix, so scrolling down reuses nothing stale.
                    var last = view.LastList;
                    if (last is null || last.Depth < feed.Depth || last.ExcludeRated != excludeRated)
                    {
                        caches.ListCacheMiss();
                        last = new RankedList(feed.Depth, excludeRated, Rank(serving, view, feed.Depth, rated));
                        view.LastList = last;
                    }
                    else
                    {
                        caches.ListCacheHit();
                    }
                    top = last.Top;
                }
                return await ListAsync(serving, userId, view, Page(top, feed), feed, cancellationToken);
            }
        }

        var list = await PopularListAsync(feed, excludeRated ? user.ItemIds : [], matching, cancellationToken);
        metrics.Recommended(RecommendationStrategy.Popularity, ServingMetrics.Source.Popularity);
        return new RecommendationResponse(userId, RecommendationStrategy.Popularity, serving?.Version, list);
    }

    /// <summary>The page's slice of a ranking <see cref="FeedQuery.Depth"/> long (shorter when the list ran out).</summary>
    private static ScoredItem[] Page(ScoredItem[] top, FeedQuery feed) =>
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

    private async Task<RecommendationResponse> ListAsync(ServingModel serving, string userId, UserModelView view, ScoredItem[] top,
        FeedQuery feed, CancellationToken cancellationToken)
    {
        var model = serving.Model;
        var ranked = view.HasRankingVectorIn(model) && serving.ListsFromRankingHead;
        var ids = new string[top.Length];
        for (var k = 0; k < top.Length; k++) ids[k] = model.Items[top[k].Item];
        var names = await titles.GetOrFallbackAsync(ids, null, cancellationToken);
        var extras = feed.IncludeAttributes ? await AttributesAsync(ids, cancellationToken) : null;
        var items = new RecommendedItem[top.Length];
        for (var k = 0; k < top.Length; k++)
        {
            var item = top[k].Item;
            // The rating head's prediction is always shown as the rating; the list's own score is the
            // ListScore (a relative preference, not stars) when the ranking head ordered the list.
            var rating = Math.Round(model.Scale.Clamp(model.Score(view.RatingVectorIn(model), view.Bias, item)), 4);
            items[k] = new RecommendedItem(ids[k], ranked ? Math.Round(top[k].Score, 4) : rating, names[k], rating, extras?[k]);
        }
        metrics.Recommended(view.Strategy, ranked ? ServingMetrics.Source.RankingHead : ServingMetrics.Source.RatingHead);
        return new RecommendationResponse(userId, view.Strategy, serving.Version, items);
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

    private async Task<RecommendedItem[]> PopularListAsync(FeedQuery feed, string[] rated, HashSet<string>? matching, CancellationToken cancellationToken)
    {
        var snapshot = await popularity.GetAsync(cancellationToken);
        var skip = rated.Length == 0 ? null : new HashSet<string>(rated, StringComparer.Ordinal);
        var page = new List<ScoredItem>(feed.Count);
        var passed = 0;
        foreach (var entry in snapshot.Ranking)
        {
            var id = snapshot.ItemIds[entry.Item];
            if (skip is not null && skip.Contains(id) || !FeedExclusions.Allows(id, feed.Exclude, matching)) continue;
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
            items[k] = new RecommendedItem(ids[k], Math.Round(page[k].Score, 4), names[k], null, extras?[k]);
        return items;
    }
}
