using RecommenderService.Engine;

namespace RecommenderService.Api.Recommendations.Feeds;

/// <summary>
/// Turns a feed's rules into the model item indices a ranking scan must skip: the user's rated items, the
/// excluded ids, and every item a filter rejects. Skipping them inside the scan (not after the cut) is what
/// keeps a filtered page full.
/// </summary>
public static class FeedExclusions
{
    /// <param name="model">The model whose item indices are scanned.</param>
    /// <param name="rated">Model indices of the user's rated items, or empty to keep them.</param>
    /// <param name="exclude">Item ids the caller asked to leave out.</param>
    /// <param name="matching">Ids passing the filters, or null when there are none.</param>
    /// <param name="unlistable">Indices no list may show (retired or erased items: <see cref="Listing.SkippedIn"/>).</param>
    public static int[] For(FactorModel model, int[] rated, IReadOnlySet<string> exclude, HashSet<string>? matching, int[] unlistable)
    {
        if (exclude.Count == 0 && matching is null)
            return unlistable.Length == 0 ? rated : rated.Length == 0 ? unlistable : [.. rated, .. unlistable];
        var skipped = new List<int>(rated.Length + exclude.Count + unlistable.Length);
        skipped.AddRange(rated);
        skipped.AddRange(unlistable);
        if (matching is not null)
        {
            // Every item that fails a filter; the excluded ids that pass are added below.
            for (var item = 0; item < model.Items.Count; item++)
                if (!matching.Contains(model.Items[item])) skipped.Add(item);
        }
        foreach (var id in exclude)
            if (model.Items.TryGetIndex(id, out var index)) skipped.Add(index);
        return skipped.ToArray();
    }

    /// <summary>True when an item id may appear in the feed (for lists that are not model scans: popularity).</summary>
    public static bool Allows(string itemId, IReadOnlySet<string> exclude, HashSet<string>? matching) =>
        !exclude.Contains(itemId) && (matching is null || matching.Contains(itemId));
}
