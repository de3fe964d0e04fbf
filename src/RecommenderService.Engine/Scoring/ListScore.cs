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
/// <para>Why a product: the ranking head alone lists items users will watch whatever they think of them (MovieLens-100k,
/// per-user 75/25 split, seed 42: 3.4 % of the listed items were rated ≤ 2). The product is the natural estimate of
/// P(chosen) · P(liked | chosen) when s tracks the first and g the second. Measured on that split (any-rated P@10 /
/// liked P@10 / disliked@10; <c>recsys evaluate --per-user 0.25 --list-sharpness B --list-threshold T</c>):
/// ranking head alone 0.425 / 0.307 / 0.034; β = 0.5, τ = 3 (the default) 0.421 / 0.321 / 0.028; β = 0.75 0.417 /
/// 0.322 / 0.026; β = 1.5 0.413 / 0.324 / 0.023; β = 0.75, τ = 3.5 0.415 / 0.324 / 0.025; β = 2, τ = 3.5 0.392 / 0.315 /
/// 0.019. Alternatives measured worse on the same split: s + 0.1·(r̂ − μ − b_u) 0.419 / 0.320 / 0.028; dropping items
/// predicted below the user's baseline μ + b_u 0.406 / 0.309 / 0.026; a ranking head trained on ratings ≥ 3 only
/// 0.418 / 0.317 / 0.026. The default keeps any-rated P@10 above 0.42 and takes the liked and disliked gains that
/// allows; a larger β trades any-rated precision for fewer disliked items.</para>
/// <para>The goal on that split (any-rated ≥ 0.42, liked ≥ 0.33, disliked@10 ≤ 0.02 at once) is out of reach
/// of every blend of these two heads measured. Chosen on an inner per-user split of the training part (25 %, seed 7)
/// and confirmed on the test split, with the ranking head's λ fixed at 10–40 and k 32–128: the product form
/// above, a threshold relative to the user's baseline μ + b_u (σ(β (r̂ − μ − b_u − δ)), β 0.5–2, δ −0.5–0.5), a mix of
/// both, hard drops below r̂ 2.5–3.25, and s + w (r̂ − 3): with any-rated ≥ 0.42 none passed liked 0.3209 or went below
/// disliked 0.0282; reaching disliked ≤ 0.02 took any-rated down to ≤ 0.40 (e.g. β 2, τ 3.5: 0.391 / 0.315 / 0.019;
/// user-relative β 1, δ −0.5: 0.4168 / 0.3227 / 0.0261). Ranking
/// heads trained with low ratings as weaker or no evidence (ratings ≤ 2 neutral, dropped, or at confidence 1;
/// c = 1 + α ((r − 1)²/2 − 1)) moved the frontier a little (best: the squared weighting with β = 0.5, τ = 3,
/// 0.4196 / 0.3268 / 0.0251) but need a new weighting in the model file, and still miss the goal.</para>
/// <para>A ranking head that learns likes (<see cref="RankingFeedback"/>: a rating ≤ T an explicit negative, preference 0
/// with confidence 1 + c′; chosen items at 1 + α·r or 1 + α·r²) does not get past that frontier either. Chosen on an
/// inner split of the training part (<c>--inner 0.25</c>, seed 7, the test part's items left out of its lists:
/// without that, items a list rightly found counted as misses and every change away from "will rate" looked like a
/// gain: negatives ≤ 2 with squared α 0.5, c′ 4, β 1 measured 0.2189 / 0.1806 / 0.0101 there against the default's
/// 0.2160 / 0.1637 / 0.0169 and then 0.374 / 0.303 / 0.018 on the test split). On the corrected inner split, paired
/// at equal λ (× 1, 1.5, 2, 3 of the default), negatives ≤ 2 (c′ 1) cost 3–4 % of any-rated P@10 for 20–25 % fewer
/// disliked and no liked gain, the trade β makes; negatives ≤ 1 (c′ 0.5–1) kept any-rated within 0.1 % for +1–2 %
/// liked and −5 % disliked. Confirmed on the test split (service pipeline, penalty search on; any / liked /
/// disliked): negatives ≤ 1, c′ 1, β 0.5: 0.4178 / 0.3215 / 0.0252 (the head alone 0.4235 / 0.3117 / 0.0296 against
/// 0.4251 / 0.3068 / 0.0344: a better head), β 1: 0.4093 / 0.3200 / 0.0226; negatives ≤ 2, c′ 1, β 0.5:
/// 0.4093 / 0.3202 / 0.0233; c′ 4, β 1: 0.3857 / 0.3090 / 0.0187; squared α 0.2 without negatives, β 0.5:
/// 0.4034 / 0.3180 / 0.0231; against this score alone at β 1: 0.4155 / 0.3237 / 0.0248. Each lies on or just
/// under the line through the β points: what negatives remove from a list, g already removed. So the default
/// stays the head without negatives and β 0.5. The λ the penalty search picks moves these figures as much as any
/// of the above (the default at λ × 1.5 on the test split: 0.3887 / 0.2972 / 0.0258; × 2 steps of the search are
/// coarse for a peak this narrow), so settings are compared at equal λ. A weighting that changes the mean
/// confidence moves the best λ with it (inner split: the default peaks at × 1.5, squared α 0.2 at × 2 with
/// 0.3292 / 0.2522 / 0.0224 against the default's best 0.3256 / 0.2436 / 0.0260; on the test split the search
/// gave it × 2 and 0.4034 / 0.3180 / 0.0231), so a weighting is only judged fairly with its own λ.</para>
/// <para>Both were then measured (branch <c>issue-14-penalty</c>, not merged: neither moved the test split). A finer
/// search (after the × 2 ladder, × √2 around the choice) found the inner split's narrow peak (× 1.41: any-rated
/// 0.3291 against 0.3090 at × 2) but kept × 1 on the test split: 0.4211 / 0.3205 / 0.0285, unchanged, for one or two
/// more head trainings per retrain. A penalty per row scaled by its confidence mass (Rendle et al.'s frequency-scaled
/// λ·(m_r / m̄)^ν, with unobserved weight α₀): ν = 1 gained on inner seed 7 (0.3298 / 0.2476 / 0.0244), lost on seed 8
/// (0.2979 / 0.2297 / 0.0186 against 0.3101 / 0.2362 / 0.0213) and on the test split (0.4163 / 0.3181 / 0.0274; with
/// β 1: 0.4039 / 0.3166 / 0.0222). Re-tuning β and τ with the finer search gave the same trade-off as above.</para>
/// <para>Why no blend gets there (docs/benchmarks.md, "Lists users like"): the list trade-off is bounded by how well the
/// rating head tells a user's likes from dislikes among the items the ranking head lists (AUC 0.849). A list score whose
/// probabilities were fitted on the test split's own labels, stronger ranking sources (EASE, an ALS + EASE ensemble) and
/// every other per-pair feature (AUC 0.859) stay on the same frontier; this score with g from a rating head that had
/// seen the test ratings (<c>recsys evaluate --rating-head-sees-test 1</c>) meets all three goals at β 0.5
/// (0.4245 / 0.3400 / 0.0183).</para>
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
