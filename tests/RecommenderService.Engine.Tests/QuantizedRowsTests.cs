namespace RecommenderService.Engine.Tests;

/// <summary><see cref="QuantizedRows"/>: its estimates against a scalar reference, and its error bound against fp32 dots.</summary>
public sealed class QuantizedRowsTests
{
    [Theory]
    [InlineData(1, 37, 64)]
    [InlineData(2, 16, 5)]
    [InlineData(3, 100, 1)]
    [InlineData(4, 1000, 256)]
    public void Every_fp32_dot_lies_within_the_estimate_plus_or_minus_the_radius_times_the_norm(int seed, int rows, int k)
    {
        var random = new Random(seed);
        var matrix = new float[rows * k];
        for (var j = 0; j < matrix.Length; j++) matrix[j] = (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-3, 3)));
        // A zero row, a row with one large value among small ones (the worst case for a per-row scale).
        Array.Clear(matrix, 0, k);
        if (rows > 1) matrix[k] = 1000f;
        var copy = QuantizedRows.Build(matrix, k);
        Assert.Equal((rows + 15) / 16, copy.Blocks);

        for (var trial = 0; trial < 20; trial++)
        {
            var p = new float[k];
            // Some trials with one dominant component: the user's scale is then coarse for the rest.
            for (var j = 0; j < k; j++) p[j] = (float)((random.NextDouble() - 0.5) * 4);
            if (trial % 4 == 3) p[0] = 50f;
            var user = new QuantizedVector(p, copy.PaddedFactors);
            var norm = System.Numerics.Tensors.TensorPrimitives.Norm(p);
            var dots = new float[rows];
            RowDots.Compute(matrix, p, dots);
            for (var block = 0; block < copy.Blocks; block++)
            {
                var estimates = copy.Estimates(block, user);
                for (var lane = 0; lane < QuantizedRows.Block; lane++)
                {
                    var i = block * QuantizedRows.Block + lane;
                    if (i >= rows)
                    {
                        Assert.Equal(0f, estimates[lane]); // padding
                        continue;
                    }
                    // The scalar reference: p̃ · q̃_i in double from both codes' definitions.
                    double reference = 0;
                    var scale = copy.Scales[i];
                    for (var j = 0; j < k; j++)
                    {
                        var itemCode = scale == 0 ? 0 : Math.Clamp(Math.Round(matrix[i * k + j] / (double)scale), -127, 127);
                        var userCode = user.Scale == 0 ? 0 : Math.Clamp(Math.Round(p[j] / (double)user.Scale), -64, 64);
                        reference += (double)user.Scale * userCode * scale * itemCode;
                    }
                    Assert.True(Math.Abs(estimates[lane] - reference) <= 1e-6 * (1 + Math.Abs(reference)),
                        $"row {i}: estimate {estimates[lane]}, reference {reference}");
                    var bound = norm * copy.Radius[i] + user.Error * copy.CodeNorms[i];
                    Assert.True(Math.Abs(dots[i] - estimates[lane]) <= bound,
                        $"row {i}: dot {dots[i]}, estimate {estimates[lane]}, bound {bound}");
                }
            }
        }
    }

    [Theory]
    [InlineData(5, 37, 64)]
    [InlineData(6, 50, 7)]
    [InlineData(7, 300, 256)]
    public void The_avx2_estimates_are_the_avx512_or_scalar_estimates_to_the_bit(int seed, int rows, int k)
    {
        var random = new Random(seed);
        var matrix = new float[rows * k];
        for (var j = 0; j < matrix.Length; j++) matrix[j] = (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-3, 3)));
        var copy = QuantizedRows.Build(matrix, k);
        var p = new float[k];
        for (var j = 0; j < k; j++) p[j] = (float)((random.NextDouble() - 0.5) * 4);
        var user = new QuantizedVector(p, copy.PaddedFactors);
        if (!System.Runtime.Intrinsics.X86.Avx2.IsSupported)
        {
            // CI's run with AVX2 switched off: the lists never call it there.
            Assert.Throws<PlatformNotSupportedException>(() => copy.Estimates256(0, user));
            return;
        }

        for (var block = 0; block < copy.Blocks; block++)
        {
            // Estimates is the AVX-512 kernel where the CPU has it, else its scalar reference: either way the same integers.
            var wide = copy.Estimates(block, user);
            var (low, high) = copy.Estimates256(block, user);
            for (var lane = 0; lane < 8; lane++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(wide[lane]), BitConverter.SingleToInt32Bits(low[lane]));
                Assert.Equal(BitConverter.SingleToInt32Bits(wide[lane + 8]), BitConverter.SingleToInt32Bits(high[lane]));
            }
        }
    }

    [Fact]
    public void A_row_with_a_non_finite_value_has_an_infinite_radius_and_its_neighbours_are_unaffected()
    {
        float[] matrix = [1f, 2f, float.NaN, 4f, 0.5f, 0.25f, float.PositiveInfinity, 1f, 3f];
        var copy = QuantizedRows.Build(matrix, 3);

        Assert.True(float.IsPositiveInfinity(copy.Radius[0]));
        Assert.True(float.IsPositiveInfinity(copy.Radius[2]));
        Assert.True(float.IsFinite(copy.Radius[1]));
        var user = new QuantizedVector([1f, 1f, 1f], copy.PaddedFactors);
        Assert.Equal(0f, user.Error);
        var estimate = copy.Estimates(0, user)[1];
        Assert.InRange(estimate, 4.75f - 1.8f * copy.Radius[1] - user.Error * copy.CodeNorms[1], 4.75f + 1.8f * copy.Radius[1] + user.Error * copy.CodeNorms[1]);
    }
}
