using System.Numerics;

namespace RecommenderService.Engine;

/// <summary>
/// A <see cref="ListScore"/> top-k that reads the rating head only for items that can still enter the list: the same
/// items, in the same order, with the same scores as scoring every item in both heads
/// (<see cref="ListScore.TopByFullScan"/>), for about half the memory traffic and a few hundred exps instead of one per item.
/// </summary>
/// <remarks>
/// <para>Why it is exact: the list score is s · g for s ≥ 0 and s / g for s &lt; 0, with g = σ(β (r̂ − τ)) largest where
/// the clamp holds r̂, at the scale's top: so every item's score is at most <c>Bound(s) = s · G</c> (s ≥ 0) or
/// <c>s / G</c> (s &lt; 0), G = <see cref="ListScore.Curve.MaxWeight"/> (g's maximum with a margin for rounding).
/// The scan computes s for every item (one pass over the ranking head), and the exact score only when
/// <c>Bound(s) ≥</c> the worst item kept so far: an item below that cannot beat it, and the kept worst only rises. An
/// item that ties the worst is still scored, because the lower index wins a tie. The exact score is the full scan's
/// own arithmetic (<see cref="RowDots"/> for one row accumulates like it does for four, then <see cref="ListScore.Curve.Combine"/>),
/// so the kept set is the full scan's top-k, and <see cref="TopK"/>'s total order sorts it identically.</para>
/// <para>Measured (<c>ListBenchmarks</c>, 20,000 items, both heads k = 64): the full scan reads ~10 MB and takes one
/// <c>MathF.Exp</c> per item.</para>
/// </remarks>
internal static class BoundedListScan
{
    // The ranking head is scored a chunk at a time into a stack buffer, so the pass allocates nothing.
    private const int Chunk = 256;

    public static ScoredItem[] Top(ListScore score, FactorModel model, ReadOnlySpan<float> ratingVector, float userBias,
        ReadOnlySpan<float> rankingVector, int count, ReadOnlySpan<int> excludedItems) =>
        Top(score, model, ratingVector, userBias, rankingVector, count, excludedItems, out _);

    /// <summary>As above; <paramref name="scored"/> says how many items needed the rating head (the benchmark and the tests read it).</summary>
    public static ScoredItem[] Top(ListScore score, FactorModel model, ReadOnlySpan<float> ratingVector, float userBias,
        ReadOnlySpan<float> rankingVector, int count, ReadOnlySpan<int> excludedItems, out int scored)
    {
        scored = 0;
        var head = model.Ranking!;
        var items = model.Items.Count;
        if (count <= 0 || items == 0) return [];
        var curve = score.CurveFor(model.Scale);
        var weight = curve.MaxWeight;
        var constant = model.GlobalMean + userBias;
        var k = model.Factors;
        var h = head.Factors;
        var top = new TopK(Math.Min(count, items));
        var excluded = TopK.RentExclusions(excludedItems, items, out _);
        try
        {
            Span<float> s = stackalloc float[Chunk];
            Span<float> rating = stackalloc float[1];
            for (var first = 0; first < items; first += Chunk)
            {
                var n = Math.Min(Chunk, items - first);
                var chunk = s[..n];
                RowDots.Compute(head.ItemFactors.AsSpan(first * h, n * h), rankingVector, chunk);
                if (excluded is not null) DropExcluded(excluded, first, chunk);
                for (var j = 0; j < n; j++)
                {
                    var si = chunk[j];
                    // NaN (an excluded item, or a NaN score the full scan would not keep either) fails the test too.
                    if (top.IsFull && !(Bound(si, weight) >= top.Worst.Score)) continue;
                    if (float.IsNaN(si)) continue;
                    var item = first + j;
                    if (k == 0) rating[0] = 0;
                    else RowDots.Compute(model.ItemFactors.AsSpan(item * k, k), ratingVector, rating);
                    top.Offer(item, curve.Combine(si, constant + model.ItemBias[item] + rating[0]));
                    scored++;
                }
            }
        }
        finally
        {
            TopK.Return(excluded);
        }
        return top.ToSortedArray();
    }

    /// <summary>An upper bound of the list score of an item whose ranking score is <paramref name="s"/>, whatever its rating.</summary>
    internal static float Bound(float s, float weight) => s >= 0 ? s * weight : s / weight;

    /// <summary>Marks this chunk's excluded items NaN, so the bound test drops them with no lookup per item.</summary>
    private static void DropExcluded(ulong[] excluded, int first, Span<float> chunk)
    {
        // Chunks start at multiples of 64, so each covers whole words of the bitset.
        var words = (chunk.Length + 63) >> 6;
        for (var w = 0; w < words; w++)
        {
            var bits = excluded[(first >> 6) + w];
            while (bits != 0)
            {
                var j = (w << 6) + BitOperations.TrailingZeroCount(bits);
                if (j < chunk.Length) chunk[j] = float.NaN;
                bits &= bits - 1;
            }
        }
    }
}
