using RecommenderService.Api.Items.Feeds;
using RecommenderService.Api.Model.Loading;
using RecommenderService.Api.Recommendations;
using RecommenderService.Engine;

namespace RecommenderService.Api.Items;

/// <summary>
/// Items whose factor vectors point the same way (cosine similarity) as a given item's, in the served model: items
/// added after training are there with vectors from their attributes (<see cref="ColdItemOverlay"/>).
/// </summary>
public sealed class SimilarItemsService(ColdItemOverlay models, ItemCatalog catalog, ItemTitles titles, ItemAttributeIndex attributes)
{
    public async Task<SimilarItemsOutcome> FindAsync(string itemId, FeedQuery feed, CancellationToken cancellationToken)
    {
        var serving = await models.CurrentAsync(cancellationToken);
        if (serving is null || !serving.Model.Items.TryGetIndex(itemId, out var item))
        {
            var known = await catalog.ExistsAsync(itemId, cancellationToken);
            return known ? SimilarItemsOutcome.NotInModel(serving is null) : SimilarItemsOutcome.UnknownItem;
        }

        var model = serving.Model;
        // Items a filter rejects are skipped inside the scan, so a filtered list is still full.
        var skipped = feed.HasFilters ? FeedExclusions.For(model, [], feed.Exclude, await attributes.MatchingAsync(feed.Filters, cancellationToken)) : [];
        var similar = ItemSimilarity.MostSimilar(model, item, feed.Count, skipped);
        var ids = new string[similar.Length];
        for (var k = 0; k < similar.Length; k++) ids[k] = model.Items[similar[k].Item];
        var names = await titles.GetAsync(ids, cancellationToken);
        var extras = feed.IncludeAttributes ? await attributes.AttributesAsync(ids, cancellationToken) : null;
        var items = new SimilarItem[similar.Length];
        for (var k = 0; k < similar.Length; k++) items[k] = new SimilarItem(ids[k], Math.Round(similar[k].Score, 4), names[k], extras?[k]);
        return SimilarItemsOutcome.Found(new SimilarItemsResponse(itemId, serving.Version, items));
    }
}

/// <summary>What <see cref="SimilarItemsService"/> found: a list, an unknown item, or an item the model lacks.</summary>
public sealed record SimilarItemsOutcome(SimilarItemsResponse? Response, bool Unknown, bool NoModel)
{
    public static SimilarItemsOutcome UnknownItem { get; } = new(null, true, false);
    public static SimilarItemsOutcome NotInModel(bool noModel) => new(null, false, noModel);
    public static SimilarItemsOutcome Found(SimilarItemsResponse response) => new(response, false, false);
}
