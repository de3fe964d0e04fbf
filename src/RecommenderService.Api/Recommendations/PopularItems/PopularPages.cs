using RecommenderService.Api.Items;
using RecommenderService.Api.Items.PopularItems;
using RecommenderService.Api.Recommendations.Feeds;
using RecommenderService.Engine;

namespace RecommenderService.Api.Recommendations.PopularItems;

/// <summary>
/// Cuts a page of a popular list: the in-memory ranking, skipping before the cut what the page must not show (the user's
/// rated items, exclusions, items that fail the filters, retired and erased items), so the page stays full. The popular
/// items route and a newcomer's recommendations both cut their pages here.
/// </summary>
public sealed class PopularPages(PopularityCache popularity, ItemTitles titles, ItemAttributeIndex attributes)
{
    public async Task<PopularPage> CutAsync(PopularityList list, FeedQuery feed, string[] rated, Listing listing, HashSet<string>? matching,
        CancellationToken cancellationToken)
    {
        var snapshot = await popularity.GetAsync(cancellationToken);
        var skip = rated.Length == 0 ? null : new HashSet<string>(rated, StringComparer.Ordinal);
        var page = new List<ScoredItem>(feed.Count);
        var passed = 0;
        foreach (var entry in snapshot.Ranking(list))
        {
            var id = snapshot.ItemIds[entry.Item];
            if (skip is not null && skip.Contains(id) || !FeedExclusions.Allows(id, feed.Exclude, matching)
                || !listing.MayListPopular(id, snapshot.ErasuresHeard)) continue;
            if (passed++ < feed.Offset) continue;
            page.Add(entry);
            if (page.Count == feed.Count) break;
        }
        var ids = page.Select(entry => snapshot.ItemIds[entry.Item]).ToArray();
        var extras = feed.IncludeAttributes ? await attributes.AttributesOrNoneAsync(ids, cancellationToken) : null;
        // Titles from the title cache, which every replica's item writes invalidate: the snapshot's copy is only as
        // new as the last change in ratings.
        var names = await titles.GetOrFallbackAsync(ids, k => snapshot.Titles[page[k].Item], cancellationToken);
        return new PopularPage(snapshot, page.ToArray(), ids, names, extras);
    }
}
