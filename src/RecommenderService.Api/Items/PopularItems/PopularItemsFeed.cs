using RecommenderService.Api.Items.Feeds;
using RecommenderService.Api.Recommendations;

namespace RecommenderService.Api.Items.PopularItems;

/// <summary>The popular-items list of a feed request: the in-memory ranking, filtered before the cut.</summary>
public sealed class PopularItemsFeed(PopularityCache popularity, ItemAttributeIndex attributes, ItemTitles titles)
{
    public async Task<PopularItemsResponse> ListAsync(FeedQuery feed, CancellationToken cancellationToken)
    {
        var snapshot = await popularity.GetAsync(cancellationToken);
        var matching = feed.HasFilters ? await attributes.MatchingAsync(feed.Filters, cancellationToken) : null;
        var page = new List<RecommenderService.Engine.ScoredItem>(feed.Count);
        foreach (var entry in snapshot.Ranking)
        {
            if (!FeedExclusions.Allows(snapshot.ItemIds[entry.Item], feed.Exclude, matching)) continue;
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
            items[k] = new PopularItem(ids[k], Math.Round(page[k].Score, 4), snapshot.Counts[index],
                Math.Round(snapshot.Sums[index] / snapshot.Counts[index], 4), names[k], extras?[k]);
        }
        return new PopularItemsResponse(RecommendationStrategy.Popularity, items);
    }
}
