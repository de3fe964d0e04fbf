using RecommenderService.Engine;

/// <summary>Random models of a given shape for the scoring and serialisation benchmarks.</summary>
internal static class BenchmarkModels
{
    public static FactorModel Random(int users, int items, int factors, int seed = 1)
    {
        var random = new Random(seed);
        float[] Values(long n)
        {
            var values = new float[n];
            for (long j = 0; j < n; j++) values[j] = (float)(random.NextDouble() - 0.5) * 0.2f;
            return values;
        }
        return new FactorModel(
            new IdMap(Enumerable.Range(0, users).Select(u => $"user-{u}")),
            new IdMap(Enumerable.Range(0, items).Select(i => $"item-{i}")),
            factors, 3.5f, Values(users), Values(items), Values((long)users * factors), Values((long)items * factors),
            RatingScale.OneToFive);
    }

    /// <summary><paramref name="count"/> distinct random item indices, unsorted, as a user's rated items.</summary>
    public static int[] RatedItems(int items, int count, int seed = 2)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, items).OrderBy(_ => random.Next()).Take(count).ToArray();
    }
}
