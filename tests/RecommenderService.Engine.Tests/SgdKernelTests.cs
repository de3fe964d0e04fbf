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
