namespace RecommenderService.Engine;

/// <summary>
/// Top-N recommendations: one SIMD pass over Q scoring every item by μ + b_u + b_i + p_u·q_i, a bounded
/// min-heap keeping the best, excluded items skipped through a bitset.
/// </summary>
public static class TopN
{
    // Scores are computed a chunk at a time into a stack buffer, so the pass allocates nothing.
    private const int Chunk = 256;

    /// <summary>
    /// The <paramref name="count"/> best items for a user given by vector and bias (a known user's row or a
    /// folded-in one), best first, ties broken by the lower item index. Scores are unclamped predictions, so
    /// items above the scale's top still rank apart; clamp with <see cref="RatingScale.Clamp"/> to display.
    /// <paramref name="excludedItems"/> may be unsorted and hold duplicates or unknown indices.
    /// </summary>
    public static ScoredItem[] ForUser(FactorModel model, ReadOnlySpan<float> userVector, float userBias, int count,
        ReadOnlySpan<int> excludedItems)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (userVector.Length != model.Factors)
            throw new ArgumentException($"The user vector has {userVector.Length} factors; the model has {model.Factors}.", nameof(userVector));
        if (count <= 0 || model.Items.Count == 0) return [];

        var items = model.Items.Count;
        var k = model.Factors;
        var q = model.ItemFactors.AsSpan();
        var itemBias = model.ItemBias;
        var constant = model.GlobalMean + userBias;
        var top = new TopItems(Math.Min(count, items));
        var excluded = TopItems.RentExclusions(excludedItems, items, out _);
        try
        {
            Span<float> dots = stackalloc float[Chunk];
            for (var first = 0; first < items; first += Chunk)
            {
                var n = Math.Min(Chunk, items - first);
                RowDots.Compute(q.Slice(first * k, n * k), userVector, dots[..n]);
                for (var j = 0; j < n; j++)
                {
                    var item = first + j;
                    if (TopItems.IsExcluded(excluded, item)) continue;
                    top.Offer(item, constant + itemBias[item] + dots[j]);
                }
            }
        }
        finally
        {
            TopItems.Return(excluded);
        }
        return top.ToSortedArray();
    }

    /// <summary>The <paramref name="count"/> best items for the model's user index <paramref name="user"/>.</summary>
    public static ScoredItem[] ForUser(FactorModel model, int user, int count, ReadOnlySpan<int> excludedItems)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegative(user);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(user, model.Users.Count);
        return ForUser(model, model.UserVector(user), model.UserBias[user], count, excludedItems);
    }
}
