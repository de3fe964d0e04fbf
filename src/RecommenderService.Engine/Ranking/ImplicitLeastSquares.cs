using System.Numerics.Tensors;

namespace RecommenderService.Engine;

/// <summary>
/// The row solve of implicit ALS (Hu, Koren and Volinsky): with the other side's factors Y fixed, a row's vector is
/// argmin Σ_all j c_j (p_j − x·y_j)² + λ|x|², c_j = 1 + c'_j for rated items and 1 elsewhere, p_j = 0 for unrated
/// items and, for rated ones, 1 (chosen) or 0 (an explicit negative: rated, and disliked; see
/// <see cref="RankingFeedback"/>). Its normal equations are (YᵀY + Σ_rated c'_j y_j y_jᵀ + λI) x = Σ_rated t_j y_j with
/// the target t_j = p_j (1 + c'_j): YᵀY is shared by every row (the "YᵀY trick"), so a row costs O(n_u k²) to build,
/// not O(items · k²). A negative only adds its confidence to the left side.
/// </summary>
internal static class ImplicitLeastSquares
{
    // Gram matrices are summed over this many fixed row ranges, in order, so they do not depend on the thread count.
    private const int GramParts = 16;

    /// <summary>YᵀY of a row-major matrix in double precision, full k×k.</summary>
    public static double[] Gram(float[] rows, int k, int threads)
    {
        var n = rows.Length / k;
        var parts = new double[GramParts][];
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) };
        Parallel.For(0, GramParts, options, part =>
        {
            var g = new double[k * k];
            var z = new double[k];
            var (from, to) = ((long)n * part / GramParts, (long)n * (part + 1) / GramParts);
            for (var row = (int)from; row < to; row++)
            {
                var y = rows.AsSpan(row * k, k);
                for (var f = 0; f < k; f++) z[f] = y[f];
                // Lower triangle only; mirrored below.
                for (var r = 0; r < k; r++) FoldIn.AddScaled(g.AsSpan(r * k, r + 1), z, z[r]);
            }
            parts[part] = g;
        });
        var sum = parts[0];
        for (var part = 1; part < GramParts; part++)
        {
            var g = parts[part];
            for (var j = 0; j < sum.Length; j++) sum[j] += g[j];
        }
        for (var r = 0; r < k; r++)
            for (var c = r + 1; c < k; c++) sum[r * k + c] = sum[c * k + r];
        return sum;
    }

    /// <summary>
    /// Exact solve by Cholesky in double. <paramref name="a"/> (k×k), <paramref name="b"/> and <paramref name="z"/>
    /// (k) are scratch; the solution is written to <paramref name="x"/>. A non-empty <paramref name="prior"/> x₀ gives the
    /// unrated rows the target x₀·y instead of 0 and pulls λ toward x₀ (<see cref="FoldIn.SolveRanking(FactorModel, ReadOnlySpan{int}, ReadOnlySpan{float}, ReadOnlySpan{float})"/>).
    /// </summary>
    public static void SolveExact(ReadOnlySpan<double> gram, float regularization, ReadOnlySpan<float> others, int k,
        ReadOnlySpan<int> rated, ReadOnlySpan<float> bonus, ReadOnlySpan<float> target, Span<float> x, Span<double> a, Span<double> b, Span<double> z,
        ReadOnlySpan<float> prior = default)
    {
        gram.CopyTo(a);
        b.Clear();
        if (!prior.IsEmpty)
            for (var r = 0; r < k; r++)
            {
                // (YᵀY + λI) x₀, from the full Gram matrix before its lower triangle is used as the system.
                double sum = regularization * prior[r];
                for (var c = 0; c < k; c++) sum += gram[r * k + c] * prior[c];
                b[r] = sum;
            }
        for (var r = 0; r < k; r++) a[r * k + r] += regularization;
        for (var j = 0; j < rated.Length; j++)
        {
            var y = others.Slice(rated[j] * k, k);
            for (var f = 0; f < k; f++) z[f] = y[f];
            double extra = bonus[j];
            if (extra != 0)
                for (var r = 0; r < k; r++) FoldIn.AddScaled(a.Slice(r * k, r + 1), z, extra * z[r]);
            double t = ConfidenceWeightedSum.TargetOf(target, bonus[j], j);
            if (!prior.IsEmpty)
            {
                // The rated item's prior preference x₀·y is replaced by its own target.
                double predicted = 0;
                for (var f = 0; f < k; f++) predicted += z[f] * prior[f];
                t -= predicted;
            }
            if (t != 0) FoldIn.AddScaled(b, z, t);
        }
        FoldIn.CholeskySolve(a, b, k);
        for (var f = 0; f < k; f++) x[f] = (float)b[f];
    }

    /// <summary>
    /// <paramref name="steps"/> conjugate-gradient steps on the same system in float, starting from the current
    /// <paramref name="x"/> (the previous iteration's row, which is already close). Each step is one product with the
    /// system matrix: G·p by <see cref="RowDots"/> plus one fused dot-and-add per rated item
    /// (<see cref="ConfidenceWeightedSum"/>).
    /// </summary>
    public static void SolveConjugateGradient(ReadOnlySpan<float> gram, float regularization, ReadOnlySpan<float> others, int k,
        ReadOnlySpan<int> rated, ReadOnlySpan<float> bonus, ReadOnlySpan<float> target, Span<float> x, int steps, Span<float> r, Span<float> p, Span<float> ap)
    {
        // r = b − A x, in one pass over the rated items.
        RowDots.Compute(gram, x, r);
        TensorPrimitives.MultiplyAdd(x, regularization, r, r);
        TensorPrimitives.Negate(r, r);
        ConfidenceWeightedSum.Accumulate(others, k, rated, bonus, target, x, r, 1, -1);
        r.CopyTo(p);
        var rs = TensorPrimitives.Dot(r, r);
        for (var step = 0; step < steps && rs > 1e-20f; step++)
        {
            RowDots.Compute(gram, p, ap);
            TensorPrimitives.MultiplyAdd(p, regularization, ap, ap);
            ConfidenceWeightedSum.Accumulate(others, k, rated, bonus, target, p, ap, 0, 1);
            var curvature = TensorPrimitives.Dot(p, ap);
            if (!(curvature > 0)) break;
            var step_ = rs / curvature;
            TensorPrimitives.MultiplyAdd(p, step_, x, x);
            TensorPrimitives.MultiplyAdd(ap, -step_, r, r);
            var next = TensorPrimitives.Dot(r, r);
            TensorPrimitives.MultiplyAdd(p, next / rs, r, p);
            rs = next;
        }
    }

    /// <summary>
    /// The row's share of the implicit loss without the penalty: Σ_all j c_j (p_j − x·y_j)², computed as
    /// xᵀ(YᵀY)x + Σ_rated [(1 + c'_j)(p_j − s_j)² − s_j²] with s_j = x·y_j and p_j = t_j / (1 + c'_j). <paramref name="scratch"/> holds k floats.
    /// </summary>
    public static double Loss(ReadOnlySpan<float> gram, ReadOnlySpan<float> others, int k, ReadOnlySpan<int> rated,
        ReadOnlySpan<float> bonus, ReadOnlySpan<float> target, ReadOnlySpan<float> x, Span<float> scratch)
    {
        RowDots.Compute(gram, x, scratch);
        double loss = TensorPrimitives.Dot(scratch, x);
        for (var j = 0; j < rated.Length; j++)
        {
            double s = TensorPrimitives.Dot(others.Slice(rated[j] * k, k), x);
            var c = 1 + bonus[j];
            var p = ConfidenceWeightedSum.TargetOf(target, bonus[j], j) / c;
            loss += c * (p - s) * (p - s) - s * s;
        }
        return loss;
    }
}
