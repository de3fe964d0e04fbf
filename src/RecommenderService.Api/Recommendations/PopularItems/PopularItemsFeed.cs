using RecommenderService.Engine;
using RecommenderService.Api.Model.Loading;
using RecommenderService.Api.Items;
using RecommenderService.Api.Outcomes.Impressions;
using RecommenderService.Api.Recommendations;

using RecommenderService.Api.Items.PopularItems;
using RecommenderService.Api.Recommendations.Feeds;
namespace RecommenderService.Api.Recommendations.PopularItems;

/// <summary>The popular-items list of a feed request: the in-memory ranking, filtered before the cut.</summary>
public sealed class PopularItemsFeed(PopularityCache popularity, NewcomerListChoice newcomerList, ItemAttributeIndex attributes, ItemTitles titles,
    ListableItems listable, ModelHolder models, ImpressionStamp stamp)
{
    /// <summary>The list <paramref name="by"/> names, or with null the one newcomers are served.</summary>
    public async Task<PopularItemsResponse> ListAsync(FeedQuery feed, PopularityList? by, CancellationToken cancellationToken)
    {
        var list = by ?? newcomerList.Current;
        var snapshot = await popularity.GetAsync(cancellationToken);
        var matching = feed.HasFilters ? await attributes.MatchingAsync(feed.Filters, cancellationToken) : null;
        var listing = listable.Now();
        var page = new List<RecommenderService.Engine.ScoredItem>(feed.Count);
        foreach (var entry in snapshot.Ranking(list))
        {
            var id = snapshot.ItemIds[entry.Item];
            // Retired and erased items are skipped before the cut: the list stays full.
            if (!FeedExclusions.Allows(id, feed.Exclude, matching) || !listing.MayListPopular(id, snapshot.ErasuresHeard)) continue;
            page.Add(entry);
            if (page.Count == feed.Count) break;
        }
        var ids = page.Select(entry => snapshot.ItemIds[entry.Item]).ToArray();
        var extras = feed.IncludeAttributes ? await attributes.AttributesAsync(ids, cancellationToken) : null;
        // Titles from the title cache, which every replica's item writes invalidate: the snapshot's copy is only as
        // new as the last change in ratings.
        var names = await titles.GetOrFallbackAsync(ids, k => snapshot.Titles[page[k].Item], cancellationToken);
        var items = new PopularItem[page.Count];
        for (var k = 0; k < page.Count; k++)
        {
            var index = page[k].Item;
            var (ratingCount, meanRating) = snapshot.Figures(index);
            items[k] = new PopularItem(ids[k], Math.Round(page[k].Score, 4), ratingCount, Math.Round(meanRating, 4), names[k], extras?[k]);
        }
        // The popular list does not depend on the model; its impression names the version active beside it, so the
        // fallback's outcomes can be compared with the model's lists of that version.
        var (recommendationId, impression) = stamp.Next(ListKinds.Popular, null, RecommendationStrategy.Popularity, ServingMetrics.Source.Popularity,
            models.Current?.Version, null, null, ids);
        return new PopularItemsResponse(RecommendationStrategy.Popularity, items, PopularityLists.Name(list), recommendationId) { Impression = impression };
    }
}
