namespace RecommenderService.Engine.Tests;

public sealed class FoldInTests
{
    [Theory]
    [InlineData(8, 12, 0.5f)]
    [InlineData(64, 50, 3f)]
    [InlineData(100, 20, 1f)] // fewer ratings than k + 1: only the penalty makes the system solvable; pooled buffer path
    public void Fold_in_matches_exact_least_squares_solution(int factors, int ratings, float lambda)
    {
        var model = TestData.RandomModel(users: 3, items: 200, factors: factors);
        var random = new Random(factors);
        var items = Enumerable.Range(0, 200).OrderBy(_ => random.Next()).Take(ratings).ToArray();
        var values = items.Select(_ => (float)random.Next(1, 6)).ToArray();

        var folded = FoldIn.Solve(model, items, values, lambda);
        var exact = NormalEquations(model, items, values, lambda);

        Assert.Equal(exact[0], folded.Bias, 4);
        for (var f = 0; f < factors; f++) Assert.Equal(exact[f + 1], folded.Factors[f], 4);
    }

    [Fact]
    public void Folding_in_a_user_recovers_their_ratings_when_they_fit_the_model()
    {
        var model = TestData.RandomModel(users: 3, items: 300, factors: 6);
        var truth = new float[] { 0.3f, -0.2f, 0.5f, 0.1f, -0.4f, 0.25f };
        const float bias = 0.2f;
        var items = Enumerable.Range(0, 40).Select(i => i * 7).ToArray();
        var values = items.Select(i => model.GlobalMean + bias + model.ItemBias[i] + Dot(truth, model.ItemVector(i))).ToArray();

        var folded = FoldIn.Solve(model, items, values, 1e-6f);

        Assert.Equal(bias, folded.Bias, 3);
        for (var f = 0; f < truth.Length; f++) Assert.Equal(truth[f], folded.Factors[f], 3);
        Assert.Equal(model.Scale.Clamp(values[3]), FoldIn.Predict(model, folded, items[3]), 3);
    }

    [Fact]
    public void A_user_without_ratings_folds_in_at_zero()
    {
        var model = TestData.RandomModel(users: 1, items: 10, factors: 4);
        var folded = FoldIn.Solve(model, [], [], 1f);
        Assert.Equal(0f, folded.Bias);
        Assert.All(folded.Factors, f => Assert.Equal(0f, f));
    }

    [Fact]
    public void Mismatched_or_unknown_items_are_rejected()
    {
        var model = TestData.RandomModel(users: 1, items: 10, factors: 4);
        Assert.Throws<ArgumentException>(() => FoldIn.Solve(model, [1, 2], [3f], 1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => FoldIn.Solve(model, [10], [3f], 1f));
    }

    /// <summary>(ZᵀZ + λI)x = Zᵀy with z = (1, q), solved independently by Gaussian elimination with partial pivoting.</summary>
    private static double[] NormalEquations(FactorModel model, int[] items, float[] values, float lambda)
    {
        var n = model.Factors + 1;
        var a = new double[n, n + 1];
        for (var j = 0; j < items.Length; j++)
        {
            var z = new double[n];
            z[0] = 1;
            for (var f = 0; f < model.Factors; f++) z[f + 1] = model.ItemVector(items[j])[f];
            double y = values[j] - model.GlobalMean - model.ItemBias[items[j]];
            for (var r = 0; r < n; r++)
            {
                for (var c = 0; c < n; c++) a[r, c] += z[r] * z[c];
                a[r, n] += z[r] * y;
            }
        }
        for (var r = 0; r < n; r++) a[r, r] += lambda;

        for (var col = 0; col < n; col++)
        {
            var pivot = Enumerable.Range(col, n - col).MaxBy(r => Math.Abs(a[r, col]));
            for (var c = 0; c <= n; c++) (a[col, c], a[pivot, c]) = (a[pivot, c], a[col, c]);
            for (var r = col + 1; r < n; r++)
            {
                var factor = a[r, col] / a[col, col];
                for (var c = col; c <= n; c++) a[r, c] -= factor * a[col, c];
            }
        }
        var x = new double[n];
        for (var r = n - 1; r >= 0; r--)
        {
            var sum = a[r, n];
            for (var c = r + 1; c < n; c++) sum -= a[r, c] * x[c];
            x[r] = sum / a[r, r];
        }
        return x;
    }

    private static float Dot(float[] a, ReadOnlySpan<float> b)
    {
        var sum = 0f;
        for (var f = 0; f < a.Length; f++) sum += a[f] * b[f];
        return sum;
    }
}
