namespace RecommenderService.Engine;

/// <summary>
/// Serves items the model was not trained on (added to the catalogue after training, no ratings in the model) from their
/// attributes: a copy of the model with those items appended, their bias and vectors in both heads derived by the
/// model's <see cref="FactorModel.AttributeMap"/>. Predictions, lists and similar items then treat them like any other
/// item, before any retrain; the next model trained on their ratings replaces the derived vectors with learned ones.
/// </summary>
/// <remarks>
/// Appending (rather than keeping cold items beside the model) keeps every scan over the items one flat pass over
/// contiguous factors, and trained items keep their indices. The price is a copy of the item arrays and the item id map
/// per rebuild, O(items × (k + h)): at 20,000 items, k = 128, h = 64, 17 MB and a median 14 ms whether one item or a
/// thousand is appended (<c>ColdItemsBenchmarks</c>, short job, load average 10 on 2 cores), which is why the
/// host rebuilds once per burst of catalogue writes rather than once per write.
/// </remarks>
public static class ColdItems
{
    /// <summary>
    /// <paramref name="model"/> with every item of <paramref name="items"/> (external id, attributes) appended in the given
    /// order, except items the model already has and items with no attribute the map recognises (the map would give
    /// them only the mean item). Returns <paramref name="model"/> itself when it has no map or nothing is appended.
    /// </summary>
    public static FactorModel Append(FactorModel model, IEnumerable<KeyValuePair<string, string[]>> items)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(items);
        if (model.AttributeMap is not { } map) return model;
        var added = new List<(string Id, string[] Attributes)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (id, attributes) in items)
            if (!model.Items.TryGetIndex(id, out _) && map.Recognises(attributes) && seen.Add(id)) added.Add((id, attributes));
        if (added.Count == 0) return model;

        var (n, k) = (model.Items.Count, model.Factors);
        var total = n + added.Count;
        var bias = new float[total];
        var factors = new float[(long)total * k];
        model.ItemBias.CopyTo(bias, 0);
        model.ItemFactors.CopyTo(factors, 0);
        var head = model.Ranking;
        var h = head?.Factors ?? 0;
        var ranking = head is null ? null : new float[(long)total * h];
        head?.ItemFactors.CopyTo(ranking!, 0);
        for (var c = 0; c < added.Count; c++)
        {
            var (b, q, y) = map.Derive(added[c].Attributes);
            bias[n + c] = b;
            q.CopyTo(factors.AsSpan((n + c) * k, k));
            if (ranking is not null) y.CopyTo(ranking.AsSpan((n + c) * h, h));
        }
        var ids = new IdMap(model.Items.Ids.Concat(added.Select(a => a.Id)));
        var newHead = head is null ? null : new RankingHead(h, head.UserFactors, ranking!, head.Feedback, head.Regularization) { TrainedItems = head.TrainedItems };
        // The leading rows are the same, so the indexes over them still hold; lists scan the appended rows beside them.
        if (head?.Indexes is { } indexes) newHead!.UseIndexes(indexes);
        return new FactorModel(model.Users, ids, k, model.GlobalMean, model.UserBias, bias, model.UserFactors, factors, model.Scale,
            newHead, map, model.UserAttributeMap);
    }
}
