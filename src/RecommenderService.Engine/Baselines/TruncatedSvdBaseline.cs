using System.Numerics.Tensors;

namespace RecommenderService.Engine;

/// <summary>
/// The textbook baseline: fill the missing cells of the users × items matrix with the user's mean rating
/// (the global mean for a user without ratings), take a rank-k truncated SVD A ≈ U_k Σ_k V_kᵀ and predict
/// a cell from the reconstruction, clamped to the scale.
/// </summary>
/// <remarks>
/// The SVD is randomized (Halko, Martinsson and Tropp): Y = AΩ for a Gaussian Ω with k + oversampling
/// columns, a few orthonormalised power iterations Y = A(AᵀY), Q = orth(Y), B = QᵀA, then the exact top-k
/// eigenvectors W of the small BBᵀ (Jacobi), so A_k = (QW)(WᵀB). The matrix is dense, so it is refused with
/// an <see cref="InvalidOperationException"/> when users × items × 4 bytes exceeds
/// <see cref="TruncatedSvdOptions.MaxDenseBytes"/>.
/// </remarks>
public sealed class TruncatedSvdBaseline : IRatingPredictor
{
    private readonly float[] _userFactors; // m × k: Q W
    private readonly float[] _itemFactors; // n × k: (Wᵀ B)ᵀ
    private readonly int _rank;
    private readonly RatingScale _scale;

    private TruncatedSvdBaseline(float[] userFactors, float[] itemFactors, int rank, RatingScale scale)
    {
        _userFactors = userFactors;
        _itemFactors = itemFactors;
        _rank = rank;
        _scale = scale;
    }

    public string Name => "svd";

    /// <summary>Bytes of the dense matrix for <paramref name="train"/>.</summary>
    public static long DenseBytes(RatingSet train) => (long)train.UserCount * train.ItemCount * sizeof(float);

    public static TruncatedSvdBaseline Fit(RatingSet train, RatingScale scale, TruncatedSvdOptions? options = null)
    {
        options ??= new TruncatedSvdOptions();
        int m = train.UserCount, n = train.ItemCount;
        var bytes = DenseBytes(train);
        if (bytes > options.MaxDenseBytes || (long)m * n > Array.MaxLength)
            throw new InvalidOperationException(
                $"truncated SVD needs a dense {m} x {n} matrix ({bytes / (1 << 20)} MiB), over the cap of {options.MaxDenseBytes / (1 << 20)} MiB");
        var l = Math.Min(Math.Min(m, n), options.Rank + options.Oversampling);
        var k = Math.Min(options.Rank, l);

        var a = Impute(train);
        var rng = new Xoshiro256((ulong)(uint)options.Seed + 0x5344);
        var omega = new float[(long)l * n]; // columns of Ω as rows: l × n
        for (var x = 0; x < omega.Length; x++) omega[x] = (float)rng.NextGaussian();

        var y = MultiplyRows(a, m, n, omega, l);          // l × m: (AΩ)ᵀ
        Orthonormalise(y, l, m);
        for (var it = 0; it < options.PowerIterations; it++)
        {
            var z = MultiplyColumns(a, m, n, y, l);       // l × n: (AᵀY)ᵀ
            Orthonormalise(z, l, n);
            y = MultiplyRows(a, m, n, z, l);
            Orthonormalise(y, l, m);
        }
        var b = MultiplyColumns(a, m, n, y, l);           // l × n: B = QᵀA

        var gram = new double[l * l];
        for (var r = 0; r < l; r++)
            for (var c = r; c < l; c++)
                gram[r * l + c] = gram[c * l + r] = TensorPrimitives.Dot(b.AsSpan(r * n, n), b.AsSpan(c * n, n));
        var (_, vectors) = SymmetricEigen(gram, l);      // columns sorted by descending eigenvalue

        var userFactors = new float[(long)m * k];
        for (var u = 0; u < m; u++)
            for (var f = 0; f < k; f++)
            {
                double s = 0;
                for (var c = 0; c < l; c++) s += y[c * m + u] * vectors[c * l + f];
                userFactors[u * k + f] = (float)s;
            }
        var itemFactors = new float[(long)n * k];
        for (var f = 0; f < k; f++)
            for (var c = 0; c < l; c++)
            {
                var w = (float)vectors[c * l + f];
                var row = b.AsSpan(c * n, n);
                for (var i = 0; i < n; i++) itemFactors[i * k + f] += w * row[i];
            }
        return new TruncatedSvdBaseline(userFactors, itemFactors, k, scale);
    }

    public float Predict(int user, int item) =>
        _scale.Clamp(TensorPrimitives.Dot(_userFactors.AsSpan(user * _rank, _rank), _itemFactors.AsSpan(item * _rank, _rank)));

    public void ScoreItems(int user, Span<float> scores)
    {
        var p = _userFactors.AsSpan(user * _rank, _rank);
        for (var i = 0; i < scores.Length; i++) scores[i] = TensorPrimitives.Dot(p, _itemFactors.AsSpan(i * _rank, _rank));
    }

    private static float[] Impute(RatingSet train)
    {
        int m = train.UserCount, n = train.ItemCount;
        var sum = new double[m];
        var count = new int[m];
        for (var r = 0; r < train.Count; r++)
        {
            sum[train.User[r]] += train.Value[r];
            count[train.User[r]]++;
        }
        var global = (float)train.Mean();
        var a = new float[(long)m * n];
        for (var u = 0; u < m; u++)
            a.AsSpan(u * n, n).Fill(count[u] > 0 ? (float)(sum[u] / count[u]) : global);
        for (var r = 0; r < train.Count; r++) a[(long)train.User[r] * n + train.Item[r]] = train.Value[r];
        return a;
    }

    /// <summary>(A Xᵀ)ᵀ for X given as l rows of length n: result l × m.</summary>
    private static float[] MultiplyRows(float[] a, int m, int n, float[] x, int l)
    {
        var result = new float[(long)l * m];
        Parallel.For(0, m, u =>
        {
            var row = a.AsSpan(u * n, n);
            for (var c = 0; c < l; c++) result[c * m + u] = TensorPrimitives.Dot(row, x.AsSpan(c * n, n));
        });
        return result;
    }

    /// <summary>(Aᵀ Xᵀ)ᵀ for X given as l rows of length m: result l × n.</summary>
    private static float[] MultiplyColumns(float[] a, int m, int n, float[] x, int l)
    {
        var result = new float[(long)l * n];
        Parallel.For(0, l, c =>
        {
            var target = result.AsSpan(c * n, n);
            for (var u = 0; u < m; u++)
            {
                var w = x[c * m + u];
                if (w != 0) TensorPrimitives.MultiplyAdd(a.AsSpan(u * n, n), w, target, target);
            }
        });
        return result;
    }

    /// <summary>Modified Gram-Schmidt on the l rows (length len) of <paramref name="x"/>, twice for stability.</summary>
    private static void Orthonormalise(float[] x, int l, int len)
    {
        for (var pass = 0; pass < 2; pass++)
            for (var c = 0; c < l; c++)
            {
                var v = x.AsSpan(c * len, len);
                for (var prev = 0; prev < c; prev++)
                {
                    var q = x.AsSpan(prev * len, len);
                    TensorPrimitives.MultiplyAdd(q, -TensorPrimitives.Dot(v, q), v, v);
                }
                var norm = TensorPrimitives.Norm(v);
                if (norm > 1e-20f) TensorPrimitives.Divide(v, norm, v); else v.Clear();
            }
    }

    /// <summary>Cyclic Jacobi eigen-decomposition of a small symmetric matrix; eigenvectors as columns, descending.</summary>
    internal static (double[] Values, double[] Vectors) SymmetricEigen(double[] matrix, int size)
    {
        var a = (double[])matrix.Clone();
        var v = new double[size * size];
        for (var d = 0; d < size; d++) v[d * size + d] = 1;
        for (var sweep = 0; sweep < 100; sweep++)
        {
            double off = 0;
            for (var p = 0; p < size; p++)
                for (var q = p + 1; q < size; q++) off += a[p * size + q] * a[p * size + q];
            if (off < 1e-22) break;
            for (var p = 0; p < size; p++)
                for (var q = p + 1; q < size; q++)
                {
                    var apq = a[p * size + q];
                    if (Math.Abs(apq) < 1e-300) continue;
                    var theta = (a[q * size + q] - a[p * size + p]) / (2 * apq);
                    var t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    var c = 1 / Math.Sqrt(t * t + 1);
                    var s = t * c;
                    for (var r = 0; r < size; r++)
                    {
                        var arp = a[r * size + p];
                        var arq = a[r * size + q];
                        a[r * size + p] = c * arp - s * arq;
                        a[r * size + q] = s * arp + c * arq;
                    }
                    for (var r = 0; r < size; r++)
                    {
                        var apr = a[p * size + r];
                        var aqr = a[q * size + r];
                        a[p * size + r] = c * apr - s * aqr;
                        a[q * size + r] = s * apr + c * aqr;
                    }
                    for (var r = 0; r < size; r++)
                    {
                        var vrp = v[r * size + p];
                        var vrq = v[r * size + q];
                        v[r * size + p] = c * vrp - s * vrq;
                        v[r * size + q] = s * vrp + c * vrq;
                    }
                }
        }
        var order = Enumerable.Range(0, size).OrderByDescending(d => a[d * size + d]).ToArray();
        var values = new double[size];
        var vectors = new double[size * size];
        for (var col = 0; col < size; col++)
        {
            values[col] = a[order[col] * size + order[col]];
            for (var r = 0; r < size; r++) vectors[r * size + col] = v[r * size + order[col]];
        }
        return (values, vectors);
    }
}
