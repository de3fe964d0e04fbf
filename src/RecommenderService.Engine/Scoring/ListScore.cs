namespace RecommenderService.Engine;

/// <summary>
/// The score lists are ranked by when a model has both heads: the ranking head's preference s = x_u·y_i ("will the
/// user choose it") weighted by how likely the rating head says the user is to rate it above a threshold ("will
/// they like it"):
/// <code>score = s · g   (s ≥ 0),   s / g   (s &lt; 0),   g = σ(β · (r̂ − τ))</code>
/// with r̂ the predicted rating clamped to the scale, τ = <see cref="Threshold"/> (3 on 1–5, scaled to the model's
/// scale) and β = <see cref="Sharpness"/> per star of a 1–5 scale. Higher = more likely to be chosen and liked; the
/// score is not a rating, compares items within one model only, and is monotone in both s and r̂ (so a list sorted by
/// it never puts an item with a lower preference and a lower predicted rating above another). β = 0 is the ranking
/// head alone (g = ½ for every item).
/// </summary>
/// <remarks>
/// <para>One type used by every list path (known users through <see cref="TopKScan"/>, folded-in users, and
/// <see cref="RankingHeadPredictor"/> in evaluation) so the service lists exactly what was measured.</para>
/// <para>Why a product with β = 0.5, τ = 3, and why no other blend of the two heads does better:
/// docs/decisions/0003-list-score.md.</para>
/// </remarks>
public sealed record ListScore
{
    /// <summary>The service's and the CLI's list score.</summary>
    public static ListScore Default { get; } = new();

    /// <summary>The ranking head alone (β = 0).</summary>
    public static ListScore RankingOnly { get; } = new() { Sharpness = 0 };

    /// <summary>
    /// The score lists from a model's ranking head are ordered by when <paramref name="source"/> serves them:
    /// <see cref="RankingOnly"/> for <see cref="ListSource.RankingHeadOnly"/>, otherwise <see cref="Default"/>.
    /// </summary>
    public static ListScore For(ListSource source) => source == ListSource.RankingHeadOnly ? RankingOnly : Default;

    /// <summary>
    /// Builds what lists of <paramref name="model"/> read besides its factors (the ranking head's 8-bit copy, the rating
    /// head's item norms), so the first requests after a model is loaded do not each build them.
    /// </summary>
    public static void Prepare(FactorModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _ = model.Ranking?.ItemScanCopy;
        _ = model.ItemNorms;
    }

    /// <summary>β: how steeply the predicted rating weighs, per star of a 1–5 scale; 0 = not at all.</summary>
    public float Sharpness { get; init; } = 0.5f;

    /// <summary>τ on a 1–5 scale (scaled to the model's scale): the predicted rating at which g = ½.</summary>
    public float Threshold { get; init; } = 3f;

    // Scores are computed a chunk at a time into stack buffers, so a list allocates nothing per item.
    private const int Chunk = 256;

    /// <summary>The list score of one item from its ranking score and its predicted rating on <paramref name="scale"/>.</summary>
    public float Combine(float rankingScore, float predictedRating, RatingScale scale) =>
        Sharpness == 0 ? rankingScore : CurveFor(scale).Combine(rankingScore, predictedRating);

    /// <summary>g's constants on <paramref name="scale"/>, computed once per list rather than once per item.</summary>
    internal Curve CurveFor(RatingScale scale)
    {
        var stars = (scale.Max - scale.Min) / 4f;
        return new Curve(-Sharpness / stars, scale.FromOneToFive(Threshold), scale);
    }

    /// <summary>
    /// g = σ(β · (r̂ − τ)) with β and τ on one scale. <see cref="Combine"/> is the one definition of the list score: every
    /// path (the full scan, <see cref="BoundedListScan"/>, evaluation) calls it, so they agree to the bit.
    /// </summary>
    internal readonly record struct Curve(float Slope, float Tau, RatingScale Scale)
    {
        public float Combine(float rankingScore, float predictedRating)
        {
            var g = Weight(predictedRating);
            return rankingScore >= 0 ? rankingScore * g : rankingScore / g;
        }

        /// <summary>g for a predicted rating (clamped to the scale).</summary>
        public float Weight(float predictedRating)
        {
            var g = 1f / (1f + MathF.Exp(Slope * (Scale.Clamp(predictedRating) - Tau)));
            // g can underflow to 0 for a hopeless prediction; the floor keeps the score finite and still the lowest.
            return MathF.Max(g, 1e-6f);
        }

        /// <summary>
        /// An upper bound of g over every rating on the scale (g is monotone in r̂, the clamp holds r̂ to the scale, so it is
        /// largest at one end), with a margin of 0.1 % that covers rounding in exp and in the product: so for any item
        /// <c>Combine(s, r̂) ≤ s · MaxWeight</c> (s ≥ 0) or <c>s / MaxWeight</c> (s &lt; 0), whatever r̂ is.
        /// </summary>
        public float MaxWeight => MathF.Max(Weight(Scale.Max), Weight(Scale.Min)) * 1.001f;
    }

    /// <summary>
    /// The <paramref name="count"/> best items by this score for a user given by rating vector and bias (a known user's
    /// row or a folded-in one) and ranking vector, best first, ties broken by the lower item index.
    /// <paramref name="excludedItems"/> may be unsorted and hold duplicates or unknown indices.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model has no ranking head.</exception>
    public ScoredItem[] Top(FactorModel model, ReadOnlySpan<float> ratingVector, float userBias, ReadOnlySpan<float> rankingVector,
        int count, ReadOnlySpan<int> excludedItems)
    {
        Check(model, ratingVector, rankingVector);
        // A large catalogue's head has an index: candidates from it, re-ranked exactly (IndexedListScan).
        return model.Ranking!.Indexes is { } indexes
            ? IndexedListScan.Top(this, model, ratingVector, userBias, rankingVector, count, excludedItems, indexes.Lists)
            : TopByScan(model, ratingVector, userBias, rankingVector, count, excludedItems);
    }

    /// <summary><see cref="Top"/> by scanning every item, whether or not the model has an index: the exact list.</summary>
    internal ScoredItem[] TopByScan(FactorModel model, ReadOnlySpan<float> ratingVector, float userBias, ReadOnlySpan<float> rankingVector,
        int count, ReadOnlySpan<int> excludedItems)
    {
        Check(model, ratingVector, rankingVector);
        // The ranking head alone is one pass, nothing to prune; with a weight, most items never need the rating head
        // (BoundedListScan: same items, same order, same scores as the full scan).
        return Sharpness == 0
            ? TopKScan.ForUserRanking(model, rankingVector, count, excludedItems)
            : BoundedListScan.Top(this, model, ratingVector, userBias, rankingVector, count, excludedItems);
    }

    /// <summary>
    /// <see cref="Top"/> by scoring every item in both heads: the reference <see cref="BoundedListScan"/> is tested
    /// against, and its benchmark's baseline.
    /// </summary>
    internal ScoredItem[] TopByFullScan(FactorModel model, ReadOnlySpan<float> ratingVector, float userBias, ReadOnlySpan<float> rankingVector,
        int count, ReadOnlySpan<int> excludedItems)
    {
        Check(model, ratingVector, rankingVector);
        var items = model.Items.Count;
        if (count <= 0 || items == 0) return [];
        var top = new TopK(Math.Min(count, items));
        var excluded = TopK.RentExclusions(excludedItems, items, out _);
        try
        {
            Span<float> scores = stackalloc float[Chunk];
            Span<float> ratings = stackalloc float[Chunk];
            for (var first = 0; first < items; first += Chunk)
            {
                var n = Math.Min(Chunk, items - first);
                Score(model, ratingVector, userBias, rankingVector, first, scores[..n], ratings[..n]);
                for (var j = 0; j < n; j++)
                    if (!TopK.IsExcluded(excluded, first + j)) top.Offer(first + j, scores[j]);
            }
        }
        finally
        {
            TopK.Return(excluded);
        }
        return top.ToSortedArray();
    }

    /// <summary>Writes this score of every item (index &lt; the model's item count) into <paramref name="scores"/>.</summary>
    public void ScoreItems(FactorModel model, ReadOnlySpan<float> ratingVector, float userBias, ReadOnlySpan<float> rankingVector, Span<float> scores)
    {
        Check(model, ratingVector, rankingVector);
        Span<float> ratings = stackalloc float[Chunk];
        var items = Math.Min(scores.Length, model.Items.Count);
        for (var first = 0; first < items; first += Chunk)
        {
            var n = Math.Min(Chunk, items - first);
            Score(model, ratingVector, userBias, rankingVector, first, scores.Slice(first, n), ratings[..n]);
        }
    }

    private void Score(FactorModel model, ReadOnlySpan<float> ratingVector, float userBias, ReadOnlySpan<float> rankingVector,
        int first, Span<float> scores, Span<float> ratings)
    {
        var head = model.Ranking!;
        var n = scores.Length;
        RowDots.Compute(head.ItemFactors.AsSpan(first * head.Factors, n * head.Factors), rankingVector, scores);
        if (Sharpness == 0) return;
        if (model.Factors == 0) ratings.Clear();
        else RowDots.Compute(model.ItemFactors.AsSpan(first * model.Factors, n * model.Factors), ratingVector, ratings);
        var constant = model.GlobalMean + userBias;
        var curve = CurveFor(model.Scale);
        for (var j = 0; j < n; j++)
            scores[j] = curve.Combine(scores[j], constant + model.ItemBias[first + j] + ratings[j]);
    }

    internal static void Check(FactorModel model, ReadOnlySpan<float> ratingVector, ReadOnlySpan<float> rankingVector)
    {
        ArgumentNullException.ThrowIfNull(model);
        var head = model.Ranking ?? throw new InvalidOperationException("The model has no ranking head.");
        if (rankingVector.Length != head.Factors)
            throw new ArgumentException($"The ranking vector has {rankingVector.Length} factors; the ranking head has {head.Factors}.", nameof(rankingVector));
        if (ratingVector.Length != model.Factors)
            throw new ArgumentException($"The user vector has {ratingVector.Length} factors; the model has {model.Factors}.", nameof(ratingVector));
    }
}
