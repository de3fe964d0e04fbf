namespace RecommenderService.Engine.Tests;

/// <summary>Small generated data for the engine tests (never MovieLens: its licence keeps it out of the repo).</summary>
internal static class TestData
{
    /// <summary>Ratings from a planted rank-<paramref name="rank"/> structure plus noise, rounded to 1..5.</summary>
    public static RatingSet LowRank(int users, int items, double density, int rank = 3, double noise = 0.3, int seed = 1)
    {
        var random = new Random(seed);
        var u = Enumerable.Range(0, users * rank).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var v = Enumerable.Range(0, items * rank).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var b = new RatingSetBuilder(users * items);
        for (var i = 0; i < users; i++)
            for (var j = 0; j < items; j++)
            {
                if (random.NextDouble() >= density) continue;
                double dot = 0;
                for (var f = 0; f < rank; f++) dot += u[i * rank + f] * v[j * rank + f];
                var value = Math.Clamp(Math.Round(3 + 1.5 * dot + noise * (random.NextDouble() * 2 - 1)), 1, 5);
                b.Add($"u{i}", $"i{j}", (float)value, time: random.Next(1_000_000));
            }
        return b.Build();
    }

    /// <summary>
    /// A model whose factors and biases are small multiples of 1/4, so every dot product is exact in float whatever
    /// the summation order: SIMD and scalar scores agree bit for bit and ties are real ties.
    /// </summary>
    public static FactorModel DyadicModel(int users, int items, int factors, int seed = 7)
    {
        var random = new Random(seed);
        float Next() => random.Next(-4, 5) / 4f;
        var p = Enumerable.Range(0, users * factors).Select(_ => Next()).ToArray();
        var q = Enumerable.Range(0, items * factors).Select(_ => Next()).ToArray();
        var bu = Enumerable.Range(0, users).Select(_ => Next()).ToArray();
        var bi = Enumerable.Range(0, items).Select(_ => Next()).ToArray();
        return new FactorModel(new IdMap(Enumerable.Range(0, users).Select(i => $"user-{i}")),
            new IdMap(Enumerable.Range(0, items).Select(i => $"item-{i}")), factors, 3.5f, bu, bi, p, q, RatingScale.OneToFive);
    }

    /// <summary>A model with Gaussian-ish factors for numerical tests.</summary>
    public static FactorModel RandomModel(int users, int items, int factors, int seed = 11)
    {
        var random = new Random(seed);
        float Next() => (float)(random.NextDouble() - 0.5);
        return new FactorModel(new IdMap(Enumerable.Range(0, users).Select(i => $"user-{i}")),
            new IdMap(Enumerable.Range(0, items).Select(i => $"item-{i}")), factors, 3.6f,
            Enumerable.Range(0, users).Select(_ => Next()).ToArray(), Enumerable.Range(0, items).Select(_ => Next()).ToArray(),
            Enumerable.Range(0, users * factors).Select(_ => Next()).ToArray(), Enumerable.Range(0, items * factors).Select(_ => Next()).ToArray(),
            RatingScale.OneToFive);
    }

    public static double Rmse(FactorModel model, RatingSet ratings)
    {
        double sum = 0;
        for (var r = 0; r < ratings.Count; r++)
        {
            double e = ratings.Value[r] - model.Predict(ratings.User[r], ratings.Item[r]);
            sum += e * e;
        }
        return Math.Sqrt(sum / ratings.Count);
    }
}
