using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RecommenderService.Engine;

/// <summary>
/// The inner loop of an implicit-ALS row solve: acc += Σ_j w_j y_j over a row's rated items with
/// w_j = base·t_j + sign·c'_j·(y_j·v), t_j = p_j·(1 + c'_j) the item's target (its preference times its confidence).
/// With base 1, sign −1 that is the rated items' share of the residual b − A v; with base 0, sign 1 their share of
/// the product A v (<see cref="ImplicitLeastSquares"/>).
/// </summary>
/// <remarks>
/// One pass per item that loads y_j once for both its dot product and its scaled add, and keeps the accumulator
/// in registers for the whole row when k fits in four hardware vectors (k ≤ 64 with AVX-512; with AVX2 only, up to eight
/// accumulators, k ≤ 64, as <see cref="Accumulate256Wide"/>): measured against
/// the former two <see cref="TensorPrimitives"/> calls per item in <c>ConfidenceWeightedSumBenchmarks</c>, with a
/// scalar reference in the tests.
/// </remarks>
internal static class ConfidenceWeightedSum
{
    /// <summary>
    /// Rated item j's target t = p·(1 + c'): from <paramref name="target"/>, or 1 + c' (every item chosen) when it is
    /// empty. Heads without negatives pass no targets: an array of them is 4 bytes a rating per grouping (80 MB of a
    /// 10M-rating retrain's peak) for values that are always 1 + c'.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float TargetOf(ReadOnlySpan<float> target, float bonus, int j) => target.IsEmpty ? 1 + bonus : target[j];

    public static void Accumulate(ReadOnlySpan<float> others, int k, ReadOnlySpan<int> rated, ReadOnlySpan<float> bonus,
        ReadOnlySpan<float> target, ReadOnlySpan<float> v, Span<float> acc, float @base, float sign)
    {
        if (Vector512.IsHardwareAccelerated && k % Vector512<float>.Count == 0 && k <= 4 * Vector512<float>.Count)
            Accumulate512(others, k, rated, bonus, target, v, acc, @base, sign);
        else if (Vector256.IsHardwareAccelerated && k % Vector256<float>.Count == 0 && k <= 4 * Vector256<float>.Count)
            Accumulate256(others, k, rated, bonus, target, v, acc, @base, sign);
        else if (Vector256.IsHardwareAccelerated && k % Vector256<float>.Count == 0 && k <= 8 * Vector256<float>.Count)
            Accumulate256Wide(others, k, rated, bonus, target, v, acc, @base, sign);
        else
            AccumulateAnyLength(others, k, rated, bonus, target, v, acc, @base, sign);
    }

    /// <summary>Any k: two vectorised library calls per item (the former implementation).</summary>
    internal static void AccumulateAnyLength(ReadOnlySpan<float> others, int k, ReadOnlySpan<int> rated, ReadOnlySpan<float> bonus,
        ReadOnlySpan<float> target, ReadOnlySpan<float> v, Span<float> acc, float @base, float sign)
    {
        for (var j = 0; j < rated.Length; j++)
        {
            var c = bonus[j];
            var y = others.Slice(rated[j] * k, k);
            var weight = @base * TargetOf(target, c, j) + sign * c * TensorPrimitives.Dot(y, v);
            if (weight != 0) TensorPrimitives.MultiplyAdd(y, weight, acc, acc);
        }
    }

    private static void Accumulate512(ReadOnlySpan<float> others, int k, ReadOnlySpan<int> rated, ReadOnlySpan<float> bonus,
        ReadOnlySpan<float> target, ReadOnlySpan<float> v, Span<float> acc, float @base, float sign)
    {
        var n = k / Vector512<float>.Count;
        ref var vr = ref MemoryMarshal.GetReference(v);
        ref var ar = ref MemoryMarshal.GetReference(acc);
        ref var yr = ref MemoryMarshal.GetReference(others);
        const int w = 16;
        // Unused lanes stay zero: they load nothing and add nothing.
        var v0 = Vector512.LoadUnsafe(ref vr);
        var v1 = n > 1 ? Vector512.LoadUnsafe(ref vr, w) : default;
        var v2 = n > 2 ? Vector512.LoadUnsafe(ref vr, 2 * w) : default;
        var v3 = n > 3 ? Vector512.LoadUnsafe(ref vr, 3 * w) : default;
        var a0 = Vector512.LoadUnsafe(ref ar);
        var a1 = n > 1 ? Vector512.LoadUnsafe(ref ar, w) : default;
        var a2 = n > 2 ? Vector512.LoadUnsafe(ref ar, 2 * w) : default;
        var a3 = n > 3 ? Vector512.LoadUnsafe(ref ar, 3 * w) : default;
        for (var j = 0; j < rated.Length; j++)
        {
            ref var y = ref Unsafe.Add(ref yr, (nuint)rated[j] * (nuint)k);
            var y0 = Vector512.LoadUnsafe(ref y);
            var y1 = n > 1 ? Vector512.LoadUnsafe(ref y, w) : default;
            var y2 = n > 2 ? Vector512.LoadUnsafe(ref y, 2 * w) : default;
            var y3 = n > 3 ? Vector512.LoadUnsafe(ref y, 3 * w) : default;
            var c = bonus[j];
            var dot = Vector512.Sum(Vector512.FusedMultiplyAdd(y3, v3,
                Vector512.FusedMultiplyAdd(y2, v2, Vector512.FusedMultiplyAdd(y1, v1, y0 * v0))));
            var weight = Vector512.Create(@base * TargetOf(target, c, j) + sign * c * dot);
            a0 = Vector512.FusedMultiplyAdd(y0, weight, a0);
            a1 = Vector512.FusedMultiplyAdd(y1, weight, a1);
            a2 = Vector512.FusedMultiplyAdd(y2, weight, a2);
            a3 = Vector512.FusedMultiplyAdd(y3, weight, a3);
        }
        a0.StoreUnsafe(ref ar);
        if (n > 1) a1.StoreUnsafe(ref ar, w);
        if (n > 2) a2.StoreUnsafe(ref ar, 2 * w);
        if (n > 3) a3.StoreUnsafe(ref ar, 3 * w);
    }

    private static void Accumulate256(ReadOnlySpan<float> others, int k, ReadOnlySpan<int> rated, ReadOnlySpan<float> bonus,
        ReadOnlySpan<float> target, ReadOnlySpan<float> v, Span<float> acc, float @base, float sign)
    {
        var n = k / Vector256<float>.Count;
        ref var vr = ref MemoryMarshal.GetReference(v);
        ref var ar = ref MemoryMarshal.GetReference(acc);
        ref var yr = ref MemoryMarshal.GetReference(others);
        const int w = 8;
        var v0 = Vector256.LoadUnsafe(ref vr);
        var v1 = n > 1 ? Vector256.LoadUnsafe(ref vr, w) : default;
        var v2 = n > 2 ? Vector256.LoadUnsafe(ref vr, 2 * w) : default;
        var v3 = n > 3 ? Vector256.LoadUnsafe(ref vr, 3 * w) : default;
        var a0 = Vector256.LoadUnsafe(ref ar);
        var a1 = n > 1 ? Vector256.LoadUnsafe(ref ar, w) : default;
        var a2 = n > 2 ? Vector256.LoadUnsafe(ref ar, 2 * w) : default;
        var a3 = n > 3 ? Vector256.LoadUnsafe(ref ar, 3 * w) : default;
        for (var j = 0; j < rated.Length; j++)
        {
            ref var y = ref Unsafe.Add(ref yr, (nuint)rated[j] * (nuint)k);
            var y0 = Vector256.LoadUnsafe(ref y);
            var y1 = n > 1 ? Vector256.LoadUnsafe(ref y, w) : default;
            var y2 = n > 2 ? Vector256.LoadUnsafe(ref y, 2 * w) : default;
            var y3 = n > 3 ? Vector256.LoadUnsafe(ref y, 3 * w) : default;
            var c = bonus[j];
            var dot = Vector256.Sum(Vector256.FusedMultiplyAdd(y3, v3,
                Vector256.FusedMultiplyAdd(y2, v2, Vector256.FusedMultiplyAdd(y1, v1, y0 * v0))));
            var weight = Vector256.Create(@base * TargetOf(target, c, j) + sign * c * dot);
            a0 = Vector256.FusedMultiplyAdd(y0, weight, a0);
            a1 = Vector256.FusedMultiplyAdd(y1, weight, a1);
            a2 = Vector256.FusedMultiplyAdd(y2, weight, a2);
            a3 = Vector256.FusedMultiplyAdd(y3, weight, a3);
        }
        a0.StoreUnsafe(ref ar);
        if (n > 1) a1.StoreUnsafe(ref ar, w);
        if (n > 2) a2.StoreUnsafe(ref ar, 2 * w);
        if (n > 3) a3.StoreUnsafe(ref ar, 3 * w);
    }

    /// <summary>
    /// AVX2 without AVX-512 at 32 &lt; k ≤ 64 (the service's k = 64): eight accumulators stay in registers for the row;
    /// v is read from L1 each item, as sixteen vector registers cannot also hold it and y. Without this, k = 64 on such
    /// CPUs took the library calls of <see cref="AccumulateAnyLength"/> (8.5M ratings: the ranking head 29 s against 19 s).
    /// </summary>
    private static void Accumulate256Wide(ReadOnlySpan<float> others, int k, ReadOnlySpan<int> rated, ReadOnlySpan<float> bonus,
        ReadOnlySpan<float> target, ReadOnlySpan<float> v, Span<float> acc, float @base, float sign)
    {
        var n = k / Vector256<float>.Count;
        ref var vr = ref MemoryMarshal.GetReference(v);
        ref var ar = ref MemoryMarshal.GetReference(acc);
        ref var yr = ref MemoryMarshal.GetReference(others);
        const int w = 8;
        // n is 5 to 8: the first four always exist; unused lanes stay zero, load nothing and add nothing.
        var a0 = Vector256.LoadUnsafe(ref ar);
        var a1 = Vector256.LoadUnsafe(ref ar, w);
        var a2 = Vector256.LoadUnsafe(ref ar, 2 * w);
        var a3 = Vector256.LoadUnsafe(ref ar, 3 * w);
        var a4 = Vector256.LoadUnsafe(ref ar, 4 * w);
        var a5 = n > 5 ? Vector256.LoadUnsafe(ref ar, 5 * w) : default;
        var a6 = n > 6 ? Vector256.LoadUnsafe(ref ar, 6 * w) : default;
        var a7 = n > 7 ? Vector256.LoadUnsafe(ref ar, 7 * w) : default;
        for (var j = 0; j < rated.Length; j++)
        {
            ref var y = ref Unsafe.Add(ref yr, (nuint)rated[j] * (nuint)k);
            var y0 = Vector256.LoadUnsafe(ref y);
            var y1 = Vector256.LoadUnsafe(ref y, w);
            var y2 = Vector256.LoadUnsafe(ref y, 2 * w);
            var y3 = Vector256.LoadUnsafe(ref y, 3 * w);
            var y4 = Vector256.LoadUnsafe(ref y, 4 * w);
            var y5 = n > 5 ? Vector256.LoadUnsafe(ref y, 5 * w) : default;
            var y6 = n > 6 ? Vector256.LoadUnsafe(ref y, 6 * w) : default;
            var y7 = n > 7 ? Vector256.LoadUnsafe(ref y, 7 * w) : default;
            // Two dot chains so their FMAs do not wait on each other.
            var even = Vector256.FusedMultiplyAdd(y2, Vector256.LoadUnsafe(ref vr, 2 * w), y0 * Vector256.LoadUnsafe(ref vr));
            even = Vector256.FusedMultiplyAdd(y4, Vector256.LoadUnsafe(ref vr, 4 * w), even);
            var odd = Vector256.FusedMultiplyAdd(y3, Vector256.LoadUnsafe(ref vr, 3 * w), y1 * Vector256.LoadUnsafe(ref vr, w));
            if (n > 5) odd = Vector256.FusedMultiplyAdd(y5, Vector256.LoadUnsafe(ref vr, 5 * w), odd);
            if (n > 6) even = Vector256.FusedMultiplyAdd(y6, Vector256.LoadUnsafe(ref vr, 6 * w), even);
            if (n > 7) odd = Vector256.FusedMultiplyAdd(y7, Vector256.LoadUnsafe(ref vr, 7 * w), odd);
            var c = bonus[j];
            var weight = Vector256.Create(@base * TargetOf(target, c, j) + sign * c * Vector256.Sum(even + odd));
            a0 = Vector256.FusedMultiplyAdd(y0, weight, a0);
            a1 = Vector256.FusedMultiplyAdd(y1, weight, a1);
            a2 = Vector256.FusedMultiplyAdd(y2, weight, a2);
            a3 = Vector256.FusedMultiplyAdd(y3, weight, a3);
            a4 = Vector256.FusedMultiplyAdd(y4, weight, a4);
            a5 = Vector256.FusedMultiplyAdd(y5, weight, a5);
            a6 = Vector256.FusedMultiplyAdd(y6, weight, a6);
            a7 = Vector256.FusedMultiplyAdd(y7, weight, a7);
        }
        a0.StoreUnsafe(ref ar);
        a1.StoreUnsafe(ref ar, w);
        a2.StoreUnsafe(ref ar, 2 * w);
        a3.StoreUnsafe(ref ar, 3 * w);
        a4.StoreUnsafe(ref ar, 4 * w);
        if (n > 5) a5.StoreUnsafe(ref ar, 5 * w);
        if (n > 6) a6.StoreUnsafe(ref ar, 6 * w);
        if (n > 7) a7.StoreUnsafe(ref ar, 7 * w);
    }
}
