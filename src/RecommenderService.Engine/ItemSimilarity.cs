namespace RecommenderService.Engine;

/// <summary>Item-item cosine similarity in factor space ("more like this").</summary>
public static class ItemSimilarity
{
    private const int Chunk = 256;

    /// <summary>
    /// The <paramref name="count"/> items most similar to <paramref name="item"/> by cos(q_i, q_j), best first,
    /// ties broken by the lower index; the item itself is never returned. Items with a zero vector score 0.
    /// Uses the model's cached <see cref="FactorModel.ItemNorms"/>.
    /// </summary>
    public static ScoredItem[] MostSimilar(FactorModel model, int item, int count)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegative(item);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(item, model.Items.Count);
        if (count <= 0) return [];

        var items = model.Items.Count;
        var k = model.Factors;
        var norms = model.ItemNorms;
        var q = model.ItemFactors.AsSpan();
        var self = model.ItemVector(item);
        var selfNorm = norms[item];
        var top = new TopItems(Math.Min(count, items - 1));
        Span<float> dots = stackalloc float[Chunk];
        for (var first = 0; first < items; first += Chunk)
        {
            var n = Math.Min(Chunk, items - first);
            RowDots.Compute(q.Slice(first * k, n * k), self, dots[..n]);
            for (var j = 0; j < n; j++)
            {
                var other = first + j;
                if (other == item) continue;
                var denominator = selfNorm * norms[other];
                top.Offer(other, denominator > 0 ? dots[j] / denominator : 0f);
            }
        }
        return top.ToSortedArray();
    }
}
