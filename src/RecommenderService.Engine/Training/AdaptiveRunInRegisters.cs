using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RecommenderService.Engine;

/// <summary>
/// One user run of the adaptive SGD rule for rows of exactly four 512-bit vectors (k = 49..64 on AVX-512, the
/// large-data default k = 64), with p_u, b_u and the user's two AdaGrad accumulators held in registers for the whole
/// run and written back once at its end.
/// </summary>
/// <remarks>
/// Why: through memory, every rating of a run stores p_u and the next rating loads it straight back, so the run's
/// dependency chain (dot product → error → step → update → dot product) also carries four 64-byte store-to-load
/// forwards and the accumulators' round trips. In registers the chain is arithmetic only. The arithmetic is the
/// general path's (<see cref="SgdKernel.Dot"/>, <see cref="SgdKernel.UpdateAdaptive"/>) operation for operation and
/// in the same order, so the model is the same bit for bit; <c>SgdTrainerTests</c> holds the two paths side by side.
/// </remarks>
internal static class AdaptiveRunInRegisters
{
    /// <summary>Rows this path takes: four AVX-512 vectors.</summary>
    public static bool Applies(int stride) => Vector512.IsHardwareAccelerated && stride == 4 * Vector512<float>.Count;

    /// <summary>
    /// Trains p_u (at <paramref name="pu"/>, 64 floats), b_u and G_u against the run's ratings in the given order;
    /// returns Σe² of the errors before each update. <paramref name="nextItems"/>: the items of the run after this one,
    /// whose first q rows are fetched while this run ends.
    /// </summary>
    // Optimised at its first call: too large for the JIT to inline into the block loop, it would otherwise start in
    // tier-0 code with on-stack replacement and run the first epoch (measured at 8.5M ratings, 2 threads: 0.50-0.67 s
    // against 0.18 s for the later ones, 0.15 s with tiered compilation off) in code several times slower.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Train(ref float pu, ref float userBias, ref float userSquares, ref float q, float[] itemBias,
        float[] itemSquares, ReadOnlySpan<int> items, ReadOnlySpan<float> values, ReadOnlySpan<int> nextItems, in RunSettings s)
    {
        const int stride = 64;
        var p0 = Vector512.LoadUnsafe(ref pu, 0);
        var p1 = Vector512.LoadUnsafe(ref pu, 16);
        var p2 = Vector512.LoadUnsafe(ref pu, 32);
        var p3 = Vector512.LoadUnsafe(ref pu, 48);
        var bu = userBias;
        var gu = userSquares;
        var guRest = Unsafe.Add(ref userSquares, 1);
        var lv = Vector512.Create(s.Lambda);
        var etaV = Vector128.Create(s.Eta);
        ref var biases = ref MemoryMarshal.GetArrayDataReference(itemBias);
        ref var squares = ref MemoryMarshal.GetArrayDataReference(itemSquares);
        var runLoss = 0f;
        for (var j = 0; j < items.Length; j++)
        {
            // Across the end of the run into the next one's first ratings: a run is ~20 ratings at 8.5M ratings on a
            // 4×4 grid, so the boundary's unfetched rows were a tenth of all q fetches.
            var ahead = j + Prefetch.Distance;
            if (ahead < items.Length) Prefetch.Floats(ref Unsafe.Add(ref q, items[ahead] * stride), stride);
            else if (ahead - items.Length < nextItems.Length) Prefetch.Floats(ref Unsafe.Add(ref q, nextItems[ahead - items.Length] * stride), stride);
            var item = items[j];
            ref var qi = ref Unsafe.Add(ref q, item * stride);
            var q0 = Vector512.LoadUnsafe(ref qi, 0);
            var q1 = Vector512.LoadUnsafe(ref qi, 16);
            var q2 = Vector512.LoadUnsafe(ref qi, 32);
            var q3 = Vector512.LoadUnsafe(ref qi, 48);
            ref var bi = ref Unsafe.Add(ref biases, item);
            ref var gi = ref Unsafe.Add(ref squares, 2 * item);
            ref var giRest = ref Unsafe.Add(ref gi, 1);

            // SgdKernel.Dot: one accumulator, vectors in order.
            var acc = Vector512.FusedMultiplyAdd(p0, q0, Vector512<float>.Zero);
            acc = Vector512.FusedMultiplyAdd(p1, q1, acc);
            acc = Vector512.FusedMultiplyAdd(p2, q2, acc);
            acc = Vector512.FusedMultiplyAdd(p3, q3, acc);
            var e = values[j] - (s.GlobalMean + bu + bi + Vector512.Sum(acc));
            runLoss += e * e;
            bu = bu * s.BiasShrink + s.BiasEta * e;
            bi = bi * s.BiasShrink + s.BiasEta * e;
            var steps = etaV / Vector128.Sqrt(Vector128.Create(gu, gi, guRest, giRest));
            var ev = Vector512.Create(e);

            // SgdKernel.UpdateAdaptive on the leading vector.
            var sp = Vector512.Create(steps.GetElement(0));
            var sq = Vector512.Create(steps.GetElement(1));
            var gp = lv * p0 - ev * q0;
            var gq = lv * q0 - ev * p0;
            var squaresP = Vector512.Sum(Vector512.FusedMultiplyAdd(gp, gp, Vector512<float>.Zero));
            var squaresQ = Vector512.Sum(Vector512.FusedMultiplyAdd(gq, gq, Vector512<float>.Zero));
            p0 -= sp * gp;
            (q0 - sq * gq).StoreUnsafe(ref qi, 0);

            if (!s.LeadingOnly)
            {
                // SgdKernel.UpdateAdaptive on the other three.
                sp = Vector512.Create(steps.GetElement(2));
                sq = Vector512.Create(steps.GetElement(3));
                var gp1 = lv * p1 - ev * q1;
                var gq1 = lv * q1 - ev * p1;
                var accP = Vector512.FusedMultiplyAdd(gp1, gp1, Vector512<float>.Zero);
                var accQ = Vector512.FusedMultiplyAdd(gq1, gq1, Vector512<float>.Zero);
                p1 -= sp * gp1;
                (q1 - sq * gq1).StoreUnsafe(ref qi, 16);
                var gp2 = lv * p2 - ev * q2;
                var gq2 = lv * q2 - ev * p2;
                accP = Vector512.FusedMultiplyAdd(gp2, gp2, accP);
                accQ = Vector512.FusedMultiplyAdd(gq2, gq2, accQ);
                p2 -= sp * gp2;
                (q2 - sq * gq2).StoreUnsafe(ref qi, 32);
                var gp3 = lv * p3 - ev * q3;
                var gq3 = lv * q3 - ev * p3;
                accP = Vector512.FusedMultiplyAdd(gp3, gp3, accP);
                accQ = Vector512.FusedMultiplyAdd(gq3, gq3, accQ);
                p3 -= sp * gp3;
                (q3 - sq * gq3).StoreUnsafe(ref qi, 48);
                guRest += Vector512.Sum(accP) * s.RestShare;
                giRest += Vector512.Sum(accQ) * s.RestShare;
            }
            gu += squaresP * s.LeadShare;
            gi += squaresQ * s.LeadShare;
        }
        p0.StoreUnsafe(ref pu, 0);
        p1.StoreUnsafe(ref pu, 16);
        p2.StoreUnsafe(ref pu, 32);
        p3.StoreUnsafe(ref pu, 48);
        userBias = bu;
        userSquares = gu;
        Unsafe.Add(ref userSquares, 1) = guRest;
        return runLoss;
    }

    /// <summary>The per-block constants of the adaptive rule.</summary>
    internal readonly record struct RunSettings(
        float GlobalMean, float Eta, float Lambda, float BiasShrink, float BiasEta, float LeadShare, float RestShare,
        bool LeadingOnly);
}
