using RecommenderService.Api.Items;
using RecommenderService.Api.Items.Erasure;
using RecommenderService.Api.Model.Loading;
using RecommenderService.Api.Outcomes.Impressions;
using RecommenderService.Api.Recommendations.Feeds;
using RecommenderService.Engine;

namespace RecommenderService.Api.Recommendations.SimilarItems;

/// <summary>
/// Items whose factor vectors point the same way (cosine similarity) as a given item's, in the served model: items
/// added after training are there with vectors from their attributes (<see cref="ServingModelSource"/>).
/// </summary>
public sealed class SimilarItemsService(ServingModelSource models, ItemCatalog catalog, ItemTitles titles, ItemAttributeIndex attributes,
    SimilarityReasonsReader reasons, ListableItems listable, ErasedItems erased, ImpressionStamp stamp)
{
    public async Task<SimilarItemsOutcome> FindAsync(string itemId, FeedQuery feed, CancellationToken cancellationToken)
    {
        var serving = await models.CurrentAsync(cancellationToken);
        // An erased item's vectors in a model that read its data are never served, also when the id came back since.
        if (serving is null || !serving.Model.Items.TryGetIndex(itemId, out var item) || !erased.MayServe(itemId, serving.DataCutoff))
        {
            var known = await catalog.ExistsAsync(itemId, cancellationToken);
            return known ? SimilarItemsOutcome.NotInModel(serving is null) : SimilarItemsOutcome.UnknownItem;
        }

        var model = serving.Model;
        // Items a filter rejects, retired and erased items are skipped inside the scan, so the list is still full.
        var skipped = FeedExclusions.For(model, [], feed.Exclude,
            feed.HasFilters ? await attributes.MatchingAsync(feed.Filters, cancellationToken) : null, listable.Now().SkippedIn(serving));
        var similar = ItemSimilarity.MostSimilar(model, item, feed.Count, skipped);
        var ids = new string[similar.Length];
        for (var k = 0; k < similar.Length; k++) ids[k] = model.Items[similar[k].Item];
        var names = await titles.GetAsync(ids, cancellationToken);
        var extras = feed.IncludeAttributes ? await attributes.AttributesAsync(ids, cancellationToken) : null;
        var why = feed.IncludeReasons ? await reasons.ForAsync(itemId, ids, cancellationToken) : null;
        var items = new SimilarItem[similar.Length];
        for (var k = 0; k < similar.Length; k++) items[k] = new SimilarItem(ids[k], Math.Round(similar[k].Score, 4), names[k], extras?[k], why?[k]);
        var (id, impression) = stamp.Next(ListKinds.Similar, null, ListKinds.SimilarStrategy, ListKinds.ItemFactors, serving.Version, null, null, ids);
        return SimilarItemsOutcome.Found(new SimilarItemsResponse(itemId, serving.Version, items, id) { Impression = impression });
    }
}

/// <summary>What <see cref="SimilarItemsService"/> found: a list, an unknown item, or an item the model lacks.</summary>
public sealed record SimilarItemsOutcome(SimilarItemsResponse? Response, bool Unknown, bool NoModel)
{
    public static SimilarItemsOutcome UnknownItem { get; } = new(null, true, false);
    public static SimilarItemsOutcome NotInModel(bool noModel) => new(null, false, noModel);
    public static SimilarItemsOutcome Found(SimilarItemsResponse response) => new(response, false, false);
}
