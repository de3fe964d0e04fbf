using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RecommenderService.Engine;

/// <summary>
/// The per-rating arithmetic of SGD over factor rows padded to <see cref="VectorWidth"/>: a dot product
/// and the coupled update of p_u and q_i. Padding removes the scalar tail, so k = 64 is four AVX-512 or
/// eight AVX2 steps with nothing left over. The tests hold a scalar reference beside each method.
/// </summary>
internal static class SgdKernel
{
    /// <summary>Floats per hardware vector; rows are padded to a multiple of it.</summary>
    public static int VectorWidth =>
        Vector512.IsHardwareAccelerated ? Vector512<float>.Count :
        Vector256.IsHardwareAccelerated ? Vector256<float>.Count :
        Vector128.IsHardwareAccelerated ? Vector128<float>.Count : 1;

    /// <summary>k rounded up to a multiple of <see cref="VectorWidth"/>.</summary>
    public static int PaddedLength(int factors)
    {
        var w = VectorWidth;
        return (factors + w - 1) / w * w;
    }

    /// <summary>p·q for rows whose length is a multiple of <see cref="VectorWidth"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(ReadOnlySpan<float> p, ReadOnlySpan<float> q)
    {
        ref var pr = ref MemoryMarshal.GetReference(p);
        ref var qr = ref MemoryMarshal.GetReference(q);
        var n = (nuint)p.Length;
        if (Vector512.IsHardwareAccelerated)
        {
            var acc = Vector512<float>.Zero;
            for (nuint j = 0; j < n; j += (nuint)Vector512<float>.Count)
                acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pr, j), Vector512.LoadUnsafe(ref qr, j), acc);
            return Vector512.Sum(acc);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var acc = Vector256<float>.Zero;
            for (nuint j = 0; j < n; j += (nuint)Vector256<float>.Count)
                acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pr, j), Vector256.LoadUnsafe(ref qr, j), acc);
            return Vector256.Sum(acc);
        }
        if (Vector128.IsHardwareAccelerated)
        {
            var acc = Vector128<float>.Zero;
            for (nuint j = 0; j < n; j += (nuint)Vector128<float>.Count)
                acc = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref pr, j), Vector128.LoadUnsafe(ref qr, j), acc);
            return Vector128.Sum(acc);
        }
        var sum = 0f;
        for (nuint j = 0; j < n; j++) sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref pr, j), Unsafe.Add(ref qr, j), sum);
        return sum;
    }

    /// <summary>
    /// p ← shrink·p + step·q and q ← shrink·q + step·p_old, i.e. p += η(e q − λ p), q += η(e p − λ q)
    /// with step = η e and shrink = 1 − η λ.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Update(Span<float> p, Span<float> q, float step, float shrink)
    {
        ref var pr = ref MemoryMarshal.GetReference(p);
        ref var qr = ref MemoryMarshal.GetReference(q);
        var n = (nuint)p.Length;
        if (Vector512.IsHardwareAccelerated)
        {
            var s = Vector512.Create(step);
            var a = Vector512.Create(shrink);
            for (nuint j = 0; j < n; j += (nuint)Vector512<float>.Count)
            {
                var pv = Vector512.LoadUnsafe(ref pr, j);
                var qv = Vector512.LoadUnsafe(ref qr, j);
                Vector512.FusedMultiplyAdd(qv, s, pv * a).StoreUnsafe(ref pr, j);
                Vector512.FusedMultiplyAdd(pv, s, qv * a).StoreUnsafe(ref qr, j);
            }
            return;
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256.Create(step);
            var a = Vector256.Create(shrink);
            for (nuint j = 0; j < n; j += (nuint)Vector256<float>.Count)
            {
                var pv = Vector256.LoadUnsafe(ref pr, j);
                var qv = Vector256.LoadUnsafe(ref qr, j);
                Vector256.FusedMultiplyAdd(qv, s, pv * a).StoreUnsafe(ref pr, j);
                Vector256.FusedMultiplyAdd(pv, s, qv * a).StoreUnsafe(ref qr, j);
            }
            return;
        }
        if (Vector128.IsHardwareAccelerated)
        {
            var s = Vector128.Create(step);
            var a = Vector128.Create(shrink);
            for (nuint j = 0; j < n; j += (nuint)Vector128<float>.Count)
            {
                var pv = Vector128.LoadUnsafe(ref pr, j);
                var qv = Vector128.LoadUnsafe(ref qr, j);
                Vector128.FusedMultiplyAdd(qv, s, pv * a).StoreUnsafe(ref pr, j);
                Vector128.FusedMultiplyAdd(pv, s, qv * a).StoreUnsafe(ref qr, j);
            }
            return;
        }
        for (nuint j = 0; j < n; j++)
        {
            var pv = Unsafe.Add(ref pr, j);
            var qv = Unsafe.Add(ref qr, j);
            Unsafe.Add(ref pr, j) = MathF.FusedMultiplyAdd(qv, step, pv * shrink);
            Unsafe.Add(ref qr, j) = MathF.FusedMultiplyAdd(pv, step, qv * shrink);
        }
    }

    /// <summary>
    /// The AdaGrad-like step LIBMF uses, one accumulated squared gradient per row: with g_p = λ p − e q and
    /// g_q = λ q − e p (both from the old rows), p ← p − η_p g_p and q ← q − η_q g_q, where the caller passes
    /// η_p = η/√G_u and η_q = η/√G_i. Returns Σ g_p² and Σ g_q² through <paramref name="squaredP"/> and
    /// <paramref name="squaredQ"/>, which the caller adds (divided by k) to G_u and G_i.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void UpdateAdaptive(Span<float> p, Span<float> q, float e, float lambda, float etaP, float etaQ,
        out float squaredP, out float squaredQ)
    {
        ref var pr = ref MemoryMarshal.GetReference(p);
        ref var qr = ref MemoryMarshal.GetReference(q);
        var n = (nuint)p.Length;
        if (Vector512.IsHardwareAccelerated)
        {
            var ev = Vector512.Create(e);
            var lv = Vector512.Create(lambda);
            var sp = Vector512.Create(etaP);
            var sq = Vector512.Create(etaQ);
            var accP = Vector512<float>.Zero;
            var accQ = Vector512<float>.Zero;
            for (nuint j = 0; j < n; j += (nuint)Vector512<float>.Count)
            {
                var pv = Vector512.LoadUnsafe(ref pr, j);
                var qv = Vector512.LoadUnsafe(ref qr, j);
                var gp = lv * pv - ev * qv;
                var gq = lv * qv - ev * pv;
                accP = Vector512.FusedMultiplyAdd(gp, gp, accP);
                accQ = Vector512.FusedMultiplyAdd(gq, gq, accQ);
                (pv - sp * gp).StoreUnsafe(ref pr, j);
                (qv - sq * gq).StoreUnsafe(ref qr, j);
            }
            squaredP = Vector512.Sum(accP);
            squaredQ = Vector512.Sum(accQ);
            return;
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var ev = Vector256.Create(e);
            var lv = Vector256.Create(lambda);
            var sp = Vector256.Create(etaP);
            var sq = Vector256.Create(etaQ);
            var accP = Vector256<float>.Zero;
            var accQ = Vector256<float>.Zero;
            for (nuint j = 0; j < n; j += (nuint)Vector256<float>.Count)
            {
                var pv = Vector256.LoadUnsafe(ref pr, j);
                var qv = Vector256.LoadUnsafe(ref qr, j);
                var gp = lv * pv - ev * qv;
                var gq = lv * qv - ev * pv;
                accP = Vector256.FusedMultiplyAdd(gp, gp, accP);
                accQ = Vector256.FusedMultiplyAdd(gq, gq, accQ);
                (pv - sp * gp).StoreUnsafe(ref pr, j);
                (qv - sq * gq).StoreUnsafe(ref qr, j);
            }
            squaredP = Vector256.Sum(accP);
            squaredQ = Vector256.Sum(accQ);
            return;
        }
        if (Vector128.IsHardwareAccelerated)
        {
            var ev = Vector128.Create(e);
            var lv = Vector128.Create(lambda);
            var sp = Vector128.Create(etaP);
            var sq = Vector128.Create(etaQ);
            var accP = Vector128<float>.Zero;
            var accQ = Vector128<float>.Zero;
            for (nuint j = 0; j < n; j += (nuint)Vector128<float>.Count)
            {
                var pv = Vector128.LoadUnsafe(ref pr, j);
                var qv = Vector128.LoadUnsafe(ref qr, j);
                var gp = lv * pv - ev * qv;
                var gq = lv * qv - ev * pv;
                accP = Vector128.FusedMultiplyAdd(gp, gp, accP);
                accQ = Vector128.FusedMultiplyAdd(gq, gq, accQ);
                (pv - sp * gp).StoreUnsafe(ref pr, j);
                (qv - sq * gq).StoreUnsafe(ref qr, j);
            }
            squaredP = Vector128.Sum(accP);
            squaredQ = Vector128.Sum(accQ);
            return;
        }
        float sumP = 0, sumQ = 0;
        for (nuint j = 0; j < n; j++)
        {
            var pv = Unsafe.Add(ref pr, j);
            var qv = Unsafe.Add(ref qr, j);
            var gp = lambda * pv - e * qv;
            var gq = lambda * qv - e * pv;
            sumP = MathF.FusedMultiplyAdd(gp, gp, sumP);
            sumQ = MathF.FusedMultiplyAdd(gq, gq, sumQ);
            Unsafe.Add(ref pr, j) = pv - etaP * gp;
            Unsafe.Add(ref qr, j) = qv - etaQ * gq;
        }
        squaredP = sumP;
        squaredQ = sumQ;
    }
}
