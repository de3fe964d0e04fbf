using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace RecommenderService.Engine;

/// <summary>
/// A <see cref="ListScore"/> top-k that reads the rating head only for items that can still enter the list: the same
/// items, in the same order, with the same scores as scoring every item in both heads
/// (<see cref="ListScore.TopByFullScan"/>), for about half the memory traffic and a few hundred exps instead of one per item.
/// </summary>
/// <remarks>
/// <para>Why it is exact: the list score is s · g for s ≥ 0 and s / g for s &lt; 0, with g = σ(β (r̂ − τ)) monotone in r̂
/// and r̂ clamped to the scale, so g is largest at one end of it: every item's score is at most <c>Bound(s) = s · G</c>
/// (s ≥ 0) or <c>s / G</c> (s &lt; 0), G = <see cref="ListScore.Curve.MaxWeight"/> (with a margin for rounding). The
/// first pass bounds s for every item (in fp32, or from the 8-bit copy with its error bound, <see cref="QuantizedRows"/>);
/// an item is scored exactly only when the bound of its s reaches the worst item kept so far (an item below it cannot
/// beat it, and the kept worst only rises), and after a second check with g at the item's own ceiling of r̂,
/// μ + b_u + b_i + ‖p_u‖ ‖q_i‖. An item that ties the worst is still scored, because the lower index wins a tie. The
/// exact score is the full scan's own arithmetic (<see cref="RowDots"/> for one row accumulates like it does for four,
/// then <see cref="ListScore.Curve.Combine"/>), so the kept set is the full scan's top-k, and <see cref="TopK"/>'s total
/// order sorts it identically.</para>
/// <para>Measured (<c>ListBenchmarks</c>, one top-10 over 20,000 items, both heads k = 64, short job, medians): the full
/// scan 386–438 µs (~10 MB read, one <c>MathF.Exp</c> per item); the fp32 first pass 123–163 µs (a few hundred items
/// rescored); the 8-bit first pass 43 µs (docs/decisions/0007-bounded-list-scan.md).</para>
/// </remarks>
internal static class BoundedListScan
{
    // The fp32 pass scores the ranking head a chunk at a time into a stack buffer, so it allocates nothing.
    private const int Chunk = 256;

    /// <summary>Which first pass over the ranking head finds the candidates (both give the full scan's list).</summary>
    internal enum FirstPass
    {
        /// <summary>
        /// The 8-bit copy (<see cref="RankingHead.ItemScanCopy"/>) with its error bound: a quarter of the bytes, integer
        /// arithmetic. Where the CPU lacks AVX-512 BW the fp32 pass runs instead.
        /// </summary>
        Quantized,

        /// <summary>The fp32 factors themselves.</summary>
        Exact,
    }

    public static ScoredItem[] Top(ListScore score, FactorModel model, ReadOnlySpan<float> ratingVector, float userBias,
        ReadOnlySpan<float> rankingVector, int count, ReadOnlySpan<int> excludedItems) =>
        Top(score, model, ratingVector, userBias, rankingVector, count, excludedItems, FirstPass.Quantized, out _);

    /// <summary>As above with the first pass chosen; <paramref name="scored"/> says how many items needed the rating head.</summary>
    public static ScoredItem[] Top(ListScore score, FactorModel model, ReadOnlySpan<float> ratingVector, float userBias,
        ReadOnlySpan<float> rankingVector, int count, ReadOnlySpan<int> excludedItems, FirstPass pass, out int scored)
    {
        scored = 0;
        var items = model.Items.Count;
        if (count <= 0 || items == 0) return [];
        var list = new Candidates(score, model, ratingVector, userBias, Math.Min(count, items));
        var excluded = TopK.RentExclusions(excludedItems, items, out _);
        try
        {
            // ‖p‖ scales the 8-bit pass's error bound (0.1 % up for its rounding); a vector with a non-finite value has no
            // useful bound, and one so small its squares underflow no reliable norm, so those take the fp32 pass.
            var norm = TensorPrimitives.Norm(rankingVector) * 1.001f;
            if (pass == FirstPass.Quantized && QuantizedRows.IsAccelerated && float.IsFinite(norm) && norm > 1e-18f)
            {
                if (QuantizedRows.Uses512) ScanQuantized(ref list, excluded, rankingVector, norm);
                else ScanQuantized256(ref list, excluded, rankingVector, norm);
            }
            else ScanExact(ref list, excluded, rankingVector);
        }
        finally
        {
            TopK.Return(excluded);
        }
        scored = list.Scored;
        return list.Top.ToSortedArray();
    }

    private static void ScanExact(ref Candidates list, ulong[]? excluded, ReadOnlySpan<float> rankingVector)
    {
        var head = list.Model.Ranking!;
        var items = list.Model.Items.Count;
        var h = head.Factors;
        Span<float> s = stackalloc float[Chunk];
        for (var first = 0; first < items; first += Chunk)
        {
            var n = Math.Min(Chunk, items - first);
            var chunk = s[..n];
            RowDots.Compute(head.ItemFactors.AsSpan(first * h, n * h), rankingVector, chunk);
            if (excluded is not null) DropExcluded(excluded, first, chunk);
            // NaN (an excluded item, or a NaN score the full scan would not keep either) fails the test.
            for (var j = 0; j < n; j++)
                if (list.MayEnter(first + j, chunk[j])) list.Offer(first + j, chunk[j]);
        }
    }

    private static void ScanQuantized(ref Candidates list, ulong[]? excluded, ReadOnlySpan<float> rankingVector, float norm)
    {
        var copy = list.Model.Ranking!.ItemScanCopy;
        var user = new QuantizedVector(rankingVector, copy.PaddedFactors);
        Span<float> uppers = stackalloc float[QuantizedRows.Block];
        var norms = Vector512.Create(norm);
        var error = Vector512.Create(user.Error);
        var weight = Vector512.Create(list.Weight);
        var radius = copy.Radius;
        var codeNorms = copy.CodeNorms;
        for (var block = 0; block < copy.Blocks; block++)
        {
            // s ≤ upper for every item of the block; the bound of upper is monotone in it, so an item whose bound is
            // below the kept worst cannot enter.
            var first = block * QuantizedRows.Block;
            var upper = Vector512.FusedMultiplyAdd(error, Vector512.Create(codeNorms, first),
                Vector512.FusedMultiplyAdd(norms, Vector512.Create(radius, first), copy.Estimates(block, user)));
            var bound = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(upper, Vector512<float>.Zero), upper * weight, upper / weight);
            var mask = (uint)Vector512.GreaterThanOrEqual(bound, Vector512.Create(list.Threshold)).ExtractMostSignificantBits();
            if (mask == 0) continue;
            upper.CopyTo(uppers);
            Rescore(ref list, excluded, rankingVector, first, mask, uppers);
        }
    }

    /// <summary>
    /// Scores in fp32 the items of one block whose bit in <paramref name="mask"/> is set (their bound passed the list's
    /// threshold), lane j being item <paramref name="first"/> + j with upper bound <paramref name="upper"/>[j].
    /// </summary>
    private static void Rescore(ref Candidates list, ulong[]? excluded, scoped ReadOnlySpan<float> rankingVector, int first, uint mask,
        scoped ReadOnlySpan<float> upper)
    {
        var head = list.Model.Ranking!;
        var items = list.Model.Items.Count;
        var h = head.Factors;
        Span<float> exact = stackalloc float[1];
        while (mask != 0)
        {
            var lane = BitOperations.TrailingZeroCount(mask);
            mask &= mask - 1;
            var item = first + lane;
            if (item >= items) break; // the padding after the last item
            // The kept worst may have risen since the block's test.
            if (TopK.IsExcluded(excluded, item) || !list.MayEnter(item, upper[lane])) continue;
            RowDots.Compute(head.ItemFactors.AsSpan(item * h, h), rankingVector, exact);
            if (list.MayEnter(item, exact[0])) list.Offer(item, exact[0]);
        }
    }

    /// <summary>
    /// <see cref="ScanQuantized"/> on CPUs with AVX2 but not AVX-512 (where 512-bit vectors are emulated and slow): each
    /// block's 16 items as two halves of 8, with the same bounds in the same float operations, so the lists are the same.
    /// </summary>
    private static void ScanQuantized256(ref Candidates list, ulong[]? excluded, ReadOnlySpan<float> rankingVector, float norm)
    {
        var copy = list.Model.Ranking!.ItemScanCopy;
        var user = new QuantizedVector(rankingVector, copy.PaddedFactors);
        Span<float> upper = stackalloc float[QuantizedRows.Block];
        var norms = Vector256.Create(norm);
        var error = Vector256.Create(user.Error);
        var weight = Vector256.Create(list.Weight);
        var radius = copy.Radius;
        var codeNorms = copy.CodeNorms;
        for (var block = 0; block < copy.Blocks; block++)
        {
            var first = block * QuantizedRows.Block;
            var (low, high) = copy.Estimates256(block, user);
            var upperLow = Vector256.FusedMultiplyAdd(error, Vector256.Create(codeNorms, first),
                Vector256.FusedMultiplyAdd(norms, Vector256.Create(radius, first), low));
            var upperHigh = Vector256.FusedMultiplyAdd(error, Vector256.Create(codeNorms, first + 8),
                Vector256.FusedMultiplyAdd(norms, Vector256.Create(radius, first + 8), high));
            var threshold = Vector256.Create(list.Threshold);
            var mask = Passing(upperLow, weight, threshold) | Passing(upperHigh, weight, threshold) << 8;
            if (mask == 0) continue;
            upperLow.CopyTo(upper);
            upperHigh.CopyTo(upper[8..]);
            Rescore(ref list, excluded, rankingVector, first, mask, upper);
        }

        static uint Passing(Vector256<float> upper, Vector256<float> weight, Vector256<float> threshold)
        {
            var bound = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(upper, Vector256<float>.Zero), upper * weight, upper / weight);
            return Vector256.GreaterThanOrEqual(bound, threshold).ExtractMostSignificantBits();
        }
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

    /// <summary>The list being built: the kept top-k and what it takes to score one candidate exactly.</summary>
    private ref struct Candidates
    {
        public readonly FactorModel Model;
        public readonly float Weight;
        public TopK Top;
        public int Scored;
        private readonly ListScore.Curve _curve;
        private readonly float _constant;
        private readonly ReadOnlySpan<float> _ratingVector;
        private readonly float _ratingNorm;
        private readonly ReadOnlySpan<float> _itemNorms;

        public Candidates(ListScore score, FactorModel model, ReadOnlySpan<float> ratingVector, float userBias, int keep)
        {
            Model = model;
            _curve = score.CurveFor(model.Scale);
            Weight = _curve.MaxWeight;
            _constant = model.GlobalMean + userBias;
            _ratingVector = ratingVector;
            Top = new TopK(keep);
            // The per-item ceiling of r̂ (ItemCeilingWeight) needs g rising with r̂ (β > 0) and norms to bound the dot with.
            if (_curve.Slope < 0 && model.Factors > 0)
            {
                // 0.2 % up covers the rounding of both norms and of the dot the ceiling bounds.
                _ratingNorm = TensorPrimitives.Norm(ratingVector) * 1.002f;
                _itemNorms = model.ItemNorms;
            }
        }

        /// <summary>The kept worst's score once the list is full; below it no bound lets an item in.</summary>
        public readonly float Threshold => Top.IsFull ? Top.Worst.Score : float.NegativeInfinity;

        /// <summary>
        /// False when an item whose ranking score is at most <paramref name="s"/> cannot enter (or s is NaN). First with g's
        /// maximum over the scale; then, for the few that pass, with g at the item's own ceiling of r̂:
        /// μ + b_u + b_i + ‖p_u‖ ‖q_i‖ ≥ r̂ (Cauchy–Schwarz), far below the scale's top for most items.
        /// </summary>
        public readonly bool MayEnter(int item, float s)
        {
            if (!Top.IsFull) return true;
            var worst = Top.Worst.Score;
            if (!(Bound(s, Weight) >= worst)) return false;
            return _itemNorms.IsEmpty || Bound(s, ItemCeilingWeight(item)) >= worst;
        }

        private readonly float ItemCeilingWeight(int item)
        {
            var ceiling = _constant + Model.ItemBias[item] + _ratingNorm * _itemNorms[item];
            // Rounding in exp, as for MaxWeight.
            return _curve.Weight(ceiling) * 1.001f;
        }

        /// <summary>Scores an item exactly as the full scan does (its fp32 ranking score <paramref name="s"/>) and offers it.</summary>
        public void Offer(int item, float s)
        {
            if (float.IsNaN(s)) return;
            var k = Model.Factors;
            var rating = 0f;
            if (k > 0)
            {
                Span<float> dot = stackalloc float[1];
                RowDots.Compute(Model.ItemFactors.AsSpan(item * k, k), _ratingVector, dot);
                rating = dot[0];
            }
            Top.Offer(item, _curve.Combine(s, _constant + Model.ItemBias[item] + rating));
            Scored++;
        }
    }
}
