using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RecommenderService.Engine;

/// <summary>
/// Places a user who is not in the model (or whose ratings changed since training) into it without retraining:
/// with μ, b_i and Q fixed, the user's bias and vector are the ridge-regression solution
/// argmin Σ (r − μ − b_i − b_u − p·q_i)² + λ(|p|² + b_u²).
/// </summary>
public static class FoldIn
{
    // Above this the (k+1)² system lives in a pooled array instead of on the stack (64 KiB of doubles: k ≤ 89).
    private const int StackDoubles = 8 * 1024;

    /// <summary>
    /// Solves bias and vector jointly from the normal equations (ZᵀZ + λI)x = Zᵀy with z = (1, q_i), x = (b_u, p),
    /// y = r − μ − b_i, by Cholesky in double precision. Allocates only the result.
    /// </summary>
    /// <remarks>
    /// <paramref name="regularization"/> is λ, the total penalty. SGD applies its λ once per rating, so <c>TrainingOptions.Regularization × items.Length</c>
    /// reproduces the trade-off the model was trained with; it must be positive when the ratings alone do not
    /// determine the solution (fewer ratings than k + 1).
    /// </remarks>
    public static FoldedUser Solve(FactorModel model, ReadOnlySpan<int> items, ReadOnlySpan<float> values, float regularization) =>
        Solve(model, items, values, regularization, null);

    /// <summary>
    /// <see cref="Solve(FactorModel, ReadOnlySpan{int}, ReadOnlySpan{float}, float)"/> regularised toward
    /// <paramref name="prior"/> (a user's profile vector, <see cref="ColdUsers"/>) instead of toward 0:
    /// argmin Σ (r − μ − b_i − b_u − p·q_i)² + λ(|p − p₀|² + (b_u − b₀)²), so (ZᵀZ + λI)x = Zᵀy + λx₀. Without ratings
    /// the result is the prior; each rating moves it as far as λ allows. A null prior is the plain fold-in.
    /// </summary>
    public static FoldedUser Solve(FactorModel model, ReadOnlySpan<int> items, ReadOnlySpan<float> values, float regularization,
        FoldedUser? prior)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (items.Length != values.Length)
            throw new ArgumentException($"{items.Length} items but {values.Length} values.", nameof(values));
        foreach (var item in items)
            if ((uint)item >= (uint)model.Items.Count)
                throw new ArgumentOutOfRangeException(nameof(items), item, "An item index is outside the model.");
        return SolveRows(model.Factors, model.GlobalMean, model.ItemFactors, items, model.ItemBias, values, regularization, prior);
    }

    /// <summary>
    /// The fold-in over items given by their vectors rather than by index (pseudo-items, such as the vectors the item
    /// attribute map derives for a user's onboarding likes): row j of <paramref name="itemVectors"/> (k floats) and
    /// <paramref name="itemBiases"/>[j] were rated <paramref name="values"/>[j].
    /// </summary>
    public static FoldedUser SolveVectors(FactorModel model, ReadOnlySpan<float> itemVectors, ReadOnlySpan<float> itemBiases,
        ReadOnlySpan<float> values, float regularization, FoldedUser? prior)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (itemBiases.Length != values.Length || itemVectors.Length != (long)values.Length * model.Factors)
            throw new ArgumentException("The vectors, biases and values describe different numbers of items.", nameof(values));
        return SolveRows(model.Factors, model.GlobalMean, itemVectors, [], itemBiases, values, regularization, prior);
    }

    /// <summary>The joint ridge solve over rows <paramref name="items"/> of <paramref name="rows"/> (or every row in order when it is empty).</summary>
    private static FoldedUser SolveRows(int k, float globalMean, ReadOnlySpan<float> rows, ReadOnlySpan<int> items, ReadOnlySpan<float> biases,
        ReadOnlySpan<float> values, float regularization, FoldedUser? prior)
    {
        if (!(regularization >= 0) || !float.IsFinite(regularization))
            throw new ArgumentOutOfRangeException(nameof(regularization), regularization, "The regularization must be zero or positive.");
        if (prior is not null && prior.Factors.Length != k)
            throw new ArgumentException($"The prior has {prior.Factors.Length} factors; the model has {k}.", nameof(prior));

        var n = k + 1;
        double[]? rented = null;
        var size = n * n + 2 * n;
        var buffer = size <= StackDoubles ? stackalloc double[size] : (rented = ArrayPool<double>.Shared.Rent(size));
        try
        {
            var a = buffer[..(n * n)];
            var b = buffer.Slice(n * n, n);
            var z = buffer.Slice(n * n + n, n);
            a.Clear();
            b.Clear();
            z[0] = 1;
            for (var j = 0; j < values.Length; j++)
            {
                var item = items.IsEmpty ? j : items[j];
                var q = rows.Slice(item * k, k);
                for (var f = 0; f < k; f++) z[f + 1] = q[f];
                var y = values[j] - globalMean - biases[item];
                // Lower triangle only: row r gets z[r]·z[0..r].
                for (var r = 0; r < n; r++) AddScaled(a.Slice(r * n, r + 1), z, z[r]);
                AddScaled(b, z, y);
            }
            for (var r = 0; r < n; r++) a[r * n + r] += regularization;
            if (prior is not null)
            {
                b[0] += regularization * prior.Bias;
                for (var f = 0; f < k; f++) b[f + 1] += regularization * prior.Factors[f];
            }

            CholeskySolve(a, b, n);
            var factors = new float[k];
            for (var f = 0; f < k; f++) factors[f] = (float)b[f + 1];
            return new FoldedUser((float)b[0], factors);
        }
        finally
        {
            if (rented is not null) ArrayPool<double>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// A fresh user's ranking vector from the items they rated and the ratings (read as the head's
    /// <see cref="RankingHead.Feedback"/>: confidence by rating, low ratings as explicit negatives), with the ranking
    /// head's item factors fixed: the same regularised least-squares the <see cref="RankingTrainer"/> solves for a
    /// known user, (YᵀY + Σ c'_i y_i y_iᵀ + λI) x = Σ p_i (1 + c'_i) y_i,
    /// solved exactly by Cholesky in double. Rank with <see cref="TopKScan.ForUserRanking(FactorModel, ReadOnlySpan{float}, int, ReadOnlySpan{int})"/>.
    /// </summary>
    /// <remarks>YᵀY is computed on the first call per model and cached; afterwards a solve is O(n·k² + k³).</remarks>
    /// <exception cref="InvalidOperationException">The model has no ranking head.</exception>
    public static float[] SolveRanking(FactorModel model, ReadOnlySpan<int> items, ReadOnlySpan<float> values) =>
        SolveRanking(model, items, values, []);

    /// <summary>
    /// <see cref="SolveRanking(FactorModel, ReadOnlySpan{int}, ReadOnlySpan{float})"/> starting from
    /// <paramref name="prior"/> x₀ (a profile's ranking vector; empty = none): the items the user has not rated take the
    /// prior's preference x₀·y_i instead of 0, and λ pulls toward x₀, so
    /// (YᵀY + Σ c'_i y_i y_iᵀ + λI) x = (YᵀY + λI) x₀ + Σ [(1 + c'_i) p_i − x₀·y_i] y_i.
    /// Without ratings the result is x₀ itself; with an empty prior this is the plain fold-in.
    /// </summary>
    /// <remarks>
    /// Why not only λ toward x₀: the zeros of the unrated items are the head's evidence of "not chosen", which a user
    /// who has rated three items has not given; kept, they would shrink the profile's vector toward 0 before any rating.
    /// </remarks>
    public static float[] SolveRanking(FactorModel model, ReadOnlySpan<int> items, ReadOnlySpan<float> values, ReadOnlySpan<float> prior)
    {
        ArgumentNullException.ThrowIfNull(model);
        var head = model.Ranking ?? throw new InvalidOperationException("The model has no ranking head.");
        if (items.Length != values.Length)
            throw new ArgumentException($"{items.Length} items but {values.Length} values.", nameof(values));
        foreach (var item in items)
            if ((uint)item >= (uint)model.Items.Count)
                throw new ArgumentOutOfRangeException(nameof(items), item, "An item index is outside the model.");
        return SolveRankingRows(model, head.ItemFactors, items, values, prior);
    }

    private static float[] SolveRankingRows(FactorModel model, ReadOnlySpan<float> itemRows, ReadOnlySpan<int> items, ReadOnlySpan<float> values,
        ReadOnlySpan<float> prior)
    {
        var head = model.Ranking!;
        var k = head.Factors;
        if (!prior.IsEmpty && prior.Length != k)
            throw new ArgumentException($"The prior has {prior.Length} factors; the ranking head has {k}.", nameof(prior));
        var bonus = new float[items.Length];
        var target = new float[items.Length];
        for (var j = 0; j < bonus.Length; j++) (bonus[j], target[j]) = head.FeedbackOf(values[j]);
        var a = ArrayPool<double>.Shared.Rent(k * k + 2 * k);
        try
        {
            var x = new float[k];
            var scratch = a.AsSpan(0, k * k + 2 * k);
            ImplicitLeastSquares.SolveExact(head.ItemGram, head.Regularization, itemRows, k, items, bonus, target, x,
                scratch[..(k * k)], scratch.Slice(k * k, k), scratch.Slice(k * k + k, k), prior);
            return x;
        }
        finally
        {
            ArrayPool<double>.Shared.Return(a);
        }
    }

    /// <summary>The prediction for a folded-in user, clamped to the model's scale.</summary>
    public static float Predict(FactorModel model, FoldedUser user, int item) =>
        model.Scale.Clamp(model.GlobalMean + user.Bias + model.ItemBias[item] + TensorPrimitives.Dot(user.Factors, model.ItemVector(item)));

    // The spans here are short (the average row of a 65×65 triangle is 33 long) and there are thousands of them
    // per solve, so inlined Vector256 loops beat a library call per row (measured 82 µs → see FoldInBenchmarks).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void AddScaled(Span<double> destination, ReadOnlySpan<double> x, double scale)
    {
        ref var d = ref MemoryMarshal.GetReference(destination);
        ref var s = ref MemoryMarshal.GetReference(x);
        var n = destination.Length;
        var j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var v = Vector256.Create(scale);
            for (; j + 4 <= n; j += 4)
                Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref s, (nuint)j), v, Vector256.LoadUnsafe(ref d, (nuint)j))
                    .StoreUnsafe(ref d, (nuint)j);
        }
        for (; j < n; j++) Unsafe.Add(ref d, j) += Unsafe.Add(ref s, j) * scale;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        ref var a = ref MemoryMarshal.GetReference(x);
        ref var b = ref MemoryMarshal.GetReference(y);
        var n = x.Length;
        var j = 0;
        var sum = 0.0;
        if (Vector256.IsHardwareAccelerated && n >= 4)
        {
            var acc = Vector256<double>.Zero;
            for (; j + 4 <= n; j += 4)
                acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref a, (nuint)j), Vector256.LoadUnsafe(ref b, (nuint)j), acc);
            sum = Vector256.Sum(acc);
        }
        for (; j < n; j++) sum += Unsafe.Add(ref a, j) * Unsafe.Add(ref b, j);
        return sum;
    }

    /// <summary>
    /// Solves A x = b in place (x overwrites b) for symmetric positive definite A given by its lower triangle,
    /// which is overwritten by L with A = L Lᵀ.
    /// </summary>
    internal static void CholeskySolve(Span<double> a, Span<double> b, int n)
    {
        CholeskyFactor(a, n);
        CholeskySubstitute(a, b, n);
    }

    /// <summary>Overwrites the lower triangle of symmetric positive definite A (n×n) with L, A = L Lᵀ.</summary>
    internal static void CholeskyFactor(Span<double> a, int n)
    {
        for (var j = 0; j < n; j++)
        {
            var rowJ = a.Slice(j * n, j);
            var diagonal = a[j * n + j] - Dot(rowJ, rowJ);
            if (!(diagonal > 0))
                throw new ArgumentException("The fold-in system is singular; use a positive regularization.");
            var l = Math.Sqrt(diagonal);
            a[j * n + j] = l;
            for (var i = j + 1; i < n; i++)
                a[i * n + j] = (a[i * n + j] - Dot(a.Slice(i * n, j), rowJ)) / l;
        }
    }

    /// <summary>Solves L Lᵀ x = b in place (x overwrites b) given the factor L from <see cref="CholeskyFactor"/>.</summary>
    internal static void CholeskySubstitute(ReadOnlySpan<double> l, Span<double> b, int n)
    {
        // L y = b, then Lᵀ x = y.
        for (var i = 0; i < n; i++)
            b[i] = (b[i] - Dot(l.Slice(i * n, i), b[..i])) / l[i * n + i];
        for (var i = n - 1; i >= 0; i--)
        {
            var sum = b[i];
            for (var r = i + 1; r < n; r++) sum -= l[r * n + i] * b[r];
            b[i] = sum / l[i * n + i];
        }
    }
}
