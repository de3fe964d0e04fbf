namespace RecommenderService.Engine;

/// <summary>
/// A user's top-k list from a model: one SIMD pass over the item factors scoring every item, <see cref="TopK"/> keeping the
/// best, excluded items skipped through a bitset. <see cref="ForUser(FactorModel, int, int, ReadOnlySpan{int})"/>
/// ranks by the rating head (μ + b_u + b_i + p_u·q_i); <see cref="ForUserRanking(FactorModel, int, int, ReadOnlySpan{int})"/>
/// by the ranking head alone (x_u·y_i); <see cref="ForUserList(FactorModel, int, int, ReadOnlySpan{int}, ListScore?)"/> by
/// <see cref="ListScore"/> (the ranking head weighted by the rating head), which is what lists use when the model has a
/// ranking head.
/// </summary>
public static class TopKScan
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
        return Scan(model.ItemFactors, model.Items.Count, userVector, model.ItemBias, model.GlobalMean + userBias, count, excludedItems);
    }

    /// <summary>The <paramref name="count"/> best items for the model's user index <paramref name="user"/>.</summary>
    public static ScoredItem[] ForUser(FactorModel model, int user, int count, ReadOnlySpan<int> excludedItems)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegative(user);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(user, model.Users.Count);
        return ForUser(model, model.UserVector(user), model.UserBias[user], count, excludedItems);
    }

    /// <summary>
    /// The <paramref name="count"/> best items by the ranking head for a ranking vector (a known user's row of
    /// <see cref="RankingHead.UserFactors"/> or one from <see cref="FoldIn.SolveRanking(FactorModel, ReadOnlySpan{int}, ReadOnlySpan{float})"/>),
    /// best first, ties broken by the lower item index. Scores are x·y_i (relative preference, not a rating).
    /// <paramref name="excludedItems"/> may be unsorted and hold duplicates or unknown indices.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model has no ranking head.</exception>
    public static ScoredItem[] ForUserRanking(FactorModel model, ReadOnlySpan<float> rankingVector, int count, ReadOnlySpan<int> excludedItems)
    {
        ArgumentNullException.ThrowIfNull(model);
        var head = model.Ranking ?? throw new InvalidOperationException("The model has no ranking head.");
        if (rankingVector.Length != head.Factors)
            throw new ArgumentException($"The ranking vector has {rankingVector.Length} factors; the ranking head has {head.Factors}.", nameof(rankingVector));
        return Scan(head.ItemFactors, model.Items.Count, rankingVector, null, 0, count, excludedItems);
    }

    /// <summary>The <paramref name="count"/> best items by the ranking head for the model's user index <paramref name="user"/>.</summary>
    /// <exception cref="InvalidOperationException">The model has no ranking head.</exception>
    public static ScoredItem[] ForUserRanking(FactorModel model, int user, int count, ReadOnlySpan<int> excludedItems)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegative(user);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(user, model.Users.Count);
        var head = model.Ranking ?? throw new InvalidOperationException("The model has no ranking head.");
        return ForUserRanking(model, head.UserVector(user), count, excludedItems);
    }

    /// <summary>
    /// The <paramref name="count"/> best items by <paramref name="score"/> (default <see cref="ListScore.Default"/>) for a
    /// user given by rating vector and bias and ranking vector (a known user's rows or folded-in ones), best first.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model has no ranking head.</exception>
    public static ScoredItem[] ForUserList(FactorModel model, ReadOnlySpan<float> userVector, float userBias, ReadOnlySpan<float> rankingVector,
        int count, ReadOnlySpan<int> excludedItems, ListScore? score = null) =>
        (score ?? ListScore.Default).Top(model, userVector, userBias, rankingVector, count, excludedItems);

    /// <summary>The <paramref name="count"/> best items by <paramref name="score"/> for the model's user index <paramref name="user"/>.</summary>
    /// <exception cref="InvalidOperationException">The model has no ranking head.</exception>
    public static ScoredItem[] ForUserList(FactorModel model, int user, int count, ReadOnlySpan<int> excludedItems, ListScore? score = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegative(user);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(user, model.Users.Count);
        var head = model.Ranking ?? throw new InvalidOperationException("The model has no ranking head.");
        return ForUserList(model, model.UserVector(user), model.UserBias[user], head.UserVector(user), count, excludedItems, score);
    }

    /// <summary>Score of item i = constant + itemBias[i] (when given) + rows_i·vector; the best <paramref name="count"/> kept.</summary>
    private static ScoredItem[] Scan(float[] itemFactors, int items, ReadOnlySpan<float> vector, float[]? itemBias, float constant,
        int count, ReadOnlySpan<int> excludedItems)
    {
        if (count <= 0 || items == 0) return [];
        var k = vector.Length;
        var q = itemFactors.AsSpan();
        var top = new TopK(Math.Min(count, items));
        var excluded = TopK.RentExclusions(excludedItems, items, out _);
        try
        {
            Span<float> dots = stackalloc float[Chunk];
            for (var first = 0; first < items; first += Chunk)
            {
                var n = Math.Min(Chunk, items - first);
                RowDots.Compute(q.Slice(first * k, n * k), vector, dots[..n]);
                for (var j = 0; j < n; j++)
                {
                    var item = first + j;
                    if (TopK.IsExcluded(excluded, item)) continue;
                    top.Offer(item, itemBias is null ? dots[j] : constant + itemBias[item] + dots[j]);
                }
            }
        }
        finally
        {
            TopK.Return(excluded);
        }
        return top.ToSortedArray();
    }
}
