namespace RecommenderService.Engine.Tests;

/// <summary>The SIMD kernels against plain scalar references.</summary>
public sealed class SgdKernelTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(64)]
    [InlineData(100)]
    public void Dot_equals_the_scalar_reference(int factors)
    {
        var (p, q) = Rows(factors, seed: factors);
        double expected = 0;
        for (var f = 0; f < p.Length; f++) expected += (double)p[f] * q[f];
        Assert.Equal(expected, SgdKernel.Dot(p, q), 4);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(64)]
    [InlineData(130)]
    public void Update_equals_the_classic_scalar_updates_with_the_old_p(int factors)
    {
        var (p, q) = Rows(factors, seed: 2 * factors);
        const float eta = 0.01f, lambda = 0.05f, e = 0.7f;
        var expectedP = new float[p.Length];
        var expectedQ = new float[q.Length];
        for (var f = 0; f < p.Length; f++)
        {
            expectedP[f] = p[f] + eta * (e * q[f] - lambda * p[f]);
            expectedQ[f] = q[f] + eta * (e * p[f] - lambda * q[f]);
        }
        SgdKernel.Update(p, q, eta * e, 1 - eta * lambda);
        for (var f = 0; f < p.Length; f++)
        {
            Assert.Equal(expectedP[f], p[f], 1e-6f);
            Assert.Equal(expectedQ[f], q[f], 1e-6f);
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(16)]
    [InlineData(64)]
    [InlineData(130)]
    public void Adaptive_update_equals_the_scalar_adagrad_step_with_the_old_rows(int factors)
    {
        var (p, q) = Rows(factors, seed: 3 * factors);
        const float e = 0.6f, lambda = 0.05f, etaP = 0.1f / 1.5f, etaQ = 0.1f / 2.5f;
        var expectedP = new float[p.Length];
        var expectedQ = new float[q.Length];
        double squaresP = 0, squaresQ = 0;
        for (var f = 0; f < p.Length; f++)
        {
            var gp = lambda * p[f] - e * q[f];
            var gq = lambda * q[f] - e * p[f];
            squaresP += gp * gp;
            squaresQ += gq * gq;
            expectedP[f] = p[f] - etaP * gp;
            expectedQ[f] = q[f] - etaQ * gq;
        }
        SgdKernel.UpdateAdaptive(p, q, e, lambda, etaP, etaQ, out var actualP, out var actualQ);
        Assert.Equal(squaresP, actualP, 4);
        Assert.Equal(squaresQ, actualQ, 4);
        for (var f = 0; f < p.Length; f++)
        {
            Assert.Equal(expectedP[f], p[f], 1e-6f);
            Assert.Equal(expectedQ[f], q[f], 1e-6f);
        }
    }

    [Theory]
    [InlineData(8, 1f, -1f)]
    [InlineData(32, 0f, 1f)]
    [InlineData(64, 1f, -1f)]
    [InlineData(64, 0f, 1f)]
    [InlineData(40, 1f, -1f)]
    [InlineData(48, 0f, 1f)]
    [InlineData(56, 1f, -1f)]
    [InlineData(72, 1f, -1f)]
    [InlineData(128, 0f, 1f)]
    public void Confidence_weighted_sum_equals_the_scalar_sum(int factors, float @base, float sign)
    {
        var random = new Random(factors);
        const int items = 50;
        var others = Enumerable.Range(0, items * factors).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var rated = new[] { 3, 17, 0, 49, 22, 8, 31 };
        var bonus = new[] { 0.5f, 1.25f, 0f, 0.75f, 1f, 0.25f, 2f };
        // Targets (1 + c') for chosen items, 0 for the two explicit negatives.
        var target = new[] { 1.5f, 0f, 1f, 1.75f, 2f, 0f, 3f };
        var v = Enumerable.Range(0, factors).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var start = Enumerable.Range(0, factors).Select(_ => (float)random.NextDouble()).ToArray();
        var expected = start.Select(x => (double)x).ToArray();
        for (var j = 0; j < rated.Length; j++)
        {
            double dot = 0;
            for (var f = 0; f < factors; f++) dot += (double)others[rated[j] * factors + f] * v[f];
            var weight = @base * target[j] + sign * bonus[j] * dot;
            for (var f = 0; f < factors; f++) expected[f] += weight * others[rated[j] * factors + f];
        }
        var actual = (float[])start.Clone();
        ConfidenceWeightedSum.Accumulate(others, factors, rated, bonus, target, v, actual, @base, sign);
        for (var f = 0; f < factors; f++) Assert.Equal(expected[f], actual[f], 4);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(64)]
    [InlineData(72)]
    public void Without_targets_the_confidence_weighted_sum_takes_every_item_as_chosen(int factors)
    {
        var random = new Random(factors);
        const int items = 40;
        var others = Enumerable.Range(0, items * factors).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var rated = new[] { 3, 17, 0, 39, 22 };
        var bonus = new[] { 0.5f, 1.25f, 0f, 0.75f, 2f };
        var chosen = bonus.Select(c => 1 + c).ToArray();
        var v = Enumerable.Range(0, factors).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var start = Enumerable.Range(0, factors).Select(_ => (float)random.NextDouble()).ToArray();

        var explicitTargets = (float[])start.Clone();
        ConfidenceWeightedSum.Accumulate(others, factors, rated, bonus, chosen, v, explicitTargets, 1, -1);
        var noTargets = (float[])start.Clone();
        ConfidenceWeightedSum.Accumulate(others, factors, rated, bonus, [], v, noTargets, 1, -1);

        // Bit for bit: a head without negatives stores no targets, and must train exactly as if it stored 1 + c'.
        Assert.Equal(explicitTargets, noTargets);
        Assert.NotEqual(start, noTargets);
    }

    [Theory]
    [InlineData(7, 5)]
    [InlineData(16, 257)]
    [InlineData(64, 23)]
    public void Row_dots_equal_scalar_dots(int factors, int rows)
    {
        var random = new Random(factors + rows);
        var matrix = Enumerable.Range(0, rows * factors).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var vector = Enumerable.Range(0, factors).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var result = new float[rows];
        RowDots.Compute(matrix, vector, result);
        for (var r = 0; r < rows; r++)
        {
            double expected = 0;
            for (var f = 0; f < factors; f++) expected += (double)matrix[r * factors + f] * vector[f];
            Assert.Equal(expected, result[r], 4);
        }
    }

    // Rows padded to the kernel's vector width, with zero padding as the trainer keeps it.
    private static (float[] P, float[] Q) Rows(int factors, int seed)
    {
        var random = new Random(seed);
        var length = SgdKernel.PaddedLength(factors);
        var p = new float[length];
        var q = new float[length];
        for (var f = 0; f < factors; f++)
        {
            p[f] = (float)random.NextDouble() - 0.5f;
            q[f] = (float)random.NextDouble() - 0.5f;
        }
        return (p, q);
    }
}
