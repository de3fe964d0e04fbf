using System.Numerics.Tensors;

namespace RecommenderService.Engine;

/// <summary>
/// The normal equations of <see cref="AttributeFactors"/>' ridge regression, XᵀWX w = XᵀWt with X the token indicators
/// plus a 1 column (the intercept, unpenalised), accumulated over rows and solved for every target at once: one
/// Cholesky factor per penalty, so trying several penalties (<see cref="UserMapPenalty"/>) costs one factor each.
/// </summary>
internal sealed class TokenRegression
{
    private readonly double[] _gram;    // N × N, N = tokens + 1, the intercept last
    private readonly double[] _moments; // N × Targets

    public TokenRegression(int tokens, int targets)
    {
        N = tokens + 1;
        Targets = targets;
        _gram = new double[N * N];
        _moments = new double[N * targets];
    }

    /// <summary>Tokens + 1 (the intercept's column is the last).</summary>
    public int N { get; }

    public int Targets { get; }

    /// <summary>Adds a row with token <paramref name="columns"/> (distinct, without the intercept) and its first
    /// <see cref="Targets"/> targets, weighted <paramref name="weight"/>.</summary>
    public void Add(ReadOnlySpan<int> columns, ReadOnlySpan<float> target, double weight)
    {
        var intercept = N - 1;
        for (var a = 0; a <= columns.Length; a++)
        {
            var r = a < columns.Length ? columns[a] : intercept;
            for (var b = 0; b <= columns.Length; b++) _gram[r * N + (b < columns.Length ? columns[b] : intercept)] += weight;
            var moments = _moments.AsSpan(r * Targets, Targets);
            for (var t = 0; t < moments.Length; t++) moments[t] += weight * target[t];
        }
    }

    /// <summary>This system without <paramref name="part"/>'s rows (a validation fold's complement), as a new one.</summary>
    public TokenRegression Without(TokenRegression part)
    {
        if (part.N != N || part.Targets != Targets) throw new ArgumentException("The systems differ in size.", nameof(part));
        var rest = new TokenRegression(N - 1, Targets);
        TensorPrimitives.Subtract(_gram, part._gram, rest._gram);
        TensorPrimitives.Subtract(_moments, part._moments, rest._moments);
        return rest;
    }

    /// <summary>
    /// The weights, N rows × <see cref="Targets"/>, row-major, the intercept last, at λ <paramref name="regularization"/>
    /// per token. λ = +∞ gives every token weight 0 and the intercept the rows' weighted mean target.
    /// </summary>
    public float[] Solve(float regularization)
    {
        if (float.IsNaN(regularization) || regularization <= 0)
            throw new ArgumentOutOfRangeException(nameof(regularization), regularization, "λ must be positive.");
        var weights = new float[N * Targets];
        var intercept = N - 1;
        if (float.IsPositiveInfinity(regularization))
        {
            var total = _gram[intercept * N + intercept];
            for (var t = 0; t < Targets && total > 0; t++) weights[intercept * Targets + t] = (float)(_moments[intercept * Targets + t] / total);
            return weights;
        }
        var factor = (double[])_gram.Clone();
        for (var a = 0; a < intercept; a++) factor[a * N + a] += regularization;
        factor[intercept * N + intercept] += 1e-6; // keeps the system definite when every row shares one token set
        FoldIn.CholeskyFactor(factor, N);
        var solution = (double[])_moments.Clone();
        Substitute(factor, solution, N, Targets);
        for (var i = 0; i < solution.Length; i++) weights[i] = (float)solution[i];
        return weights;
    }

    /// <summary>Solves L Lᵀ X = B in place for B of n rows × m columns (row-major), a row at a time across every column.</summary>
    private static void Substitute(ReadOnlySpan<double> l, Span<double> b, int n, int m)
    {
        for (var i = 0; i < n; i++)
        {
            var row = b.Slice(i * m, m);
            for (var j = 0; j < i; j++)
                if (l[i * n + j] != 0) FoldIn.AddScaled(row, b.Slice(j * m, m), -l[i * n + j]);
            TensorPrimitives.Divide(row, l[i * n + i], row);
        }
        for (var i = n - 1; i >= 0; i--)
        {
            var row = b.Slice(i * m, m);
            for (var j = i + 1; j < n; j++)
                if (l[j * n + i] != 0) FoldIn.AddScaled(row, b.Slice(j * m, m), -l[j * n + i]);
            TensorPrimitives.Divide(row, l[i * n + i], row);
        }
    }
}
