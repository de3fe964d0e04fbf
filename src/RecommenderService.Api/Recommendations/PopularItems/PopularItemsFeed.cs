using RecommenderService.Api.Model.Loading;
using RecommenderService.Api.Outcomes.Impressions;
using RecommenderService.Api.Recommendations.Feeds;
using RecommenderService.Engine;

namespace RecommenderService.Api.Recommendations.PopularItems;

/// <summary>The popular items route's list: a page of the in-memory ranking (<see cref="PopularPages"/>) with its figures.</summary>
public sealed class PopularItemsFeed(PopularPages pages, NewcomerListChoice newcomerList, ItemAttributeIndex attributes, ListableItems listable,
    ModelHolder models, ImpressionStamp stamp)
{
    /// <summary>The list <paramref name="by"/> names, or with null the one newcomers are served.</summary>
    public async Task<PopularItemsResponse> ListAsync(FeedQuery feed, PopularityList? by, CancellationToken cancellationToken)
    {
        var list = by ?? newcomerList.Current;
        var matching = feed.HasFilters ? await attributes.MatchingAsync(feed.Filters, cancellationToken) : null;
        var page = await pages.CutAsync(list, feed, [], listable.Now(), matching, cancellationToken);
        var items = new PopularItem[page.Ids.Length];
        for (var k = 0; k < items.Length; k++)
        {
            var (ratingCount, meanRating) = page.Snapshot.Figures(page.Entries[k].Item);
            items[k] = new PopularItem(page.Ids[k], Math.Round(page.Entries[k].Score, 4), ratingCount, Math.Round(meanRating, 4), page.Titles[k],
                page.Attributes?[k]);
        }
        // The popular list does not depend on the model; its impression names the version active beside it, so the
        // fallback's outcomes can be compared with the model's lists of that version.
        var (recommendationId, impression) = stamp.Next(ListKinds.Popular, null, RecommendationStrategy.Popularity, ServingMetrics.Source.Popularity,
            models.Current?.Version, null, null, page.Ids);
        return new PopularItemsResponse(RecommendationStrategy.Popularity, items, PopularityLists.Name(list), recommendationId) { Impression = impression };
    }
}
