namespace RecommenderService.Engine.Tests;

/// <summary>
/// Generated ratings where the profile plants the taste: each user belongs to a segment (their only attribute besides
/// an age that says nothing), a user's vector is their segment's plus a little of their own, and an item's vector is its
/// genre's plus a little of its own, people rate what they chose, and choose to their taste.
/// </summary>
internal static class ProfileRatings
{
    public const int Segments = 4;
    public const int Genres = 5;

    public static (RatingSet Ratings, Dictionary<string, string[]> Profiles, Dictionary<string, string[]> Genre) Build(
        int users = 400, int items = 150, int seed = 5)
    {
        var random = new Random(seed);
        const int rank = 3;
        double Uniform() => random.NextDouble() * 2 - 1;
        var segmentVector = Enumerable.Range(0, Segments * rank).Select(_ => 1.2 * Uniform()).ToArray();
        var segmentBias = Enumerable.Range(0, Segments).Select(_ => 0.6 * Uniform()).ToArray();
        var genreVector = Enumerable.Range(0, Genres * rank).Select(_ => Uniform()).ToArray();
        var b = new RatingSetBuilder();
        var profiles = new Dictionary<string, string[]>(StringComparer.Ordinal);
        for (var u = 0; u < users; u++)
        {
            var segment = u % Segments;
            profiles[$"u{u}"] = [$"segment:s{segment}", $"age:{UserAttributeTokens.AgeBand(18 + random.Next(50))}"];
            var user = Enumerable.Range(0, rank).Select(f => segmentVector[segment * rank + f] + 0.25 * Uniform()).ToArray();
            for (var i = 0; i < items; i++)
            {
                double dot = 0;
                for (var f = 0; f < rank; f++) dot += user[f] * (genreVector[i % Genres * rank + f] + 0.2 * Uniform());
                if (random.NextDouble() > 0.45 / (1 + Math.Exp(-5 * dot))) continue;
                var value = Math.Round(3.2 + segmentBias[segment] + 1.2 * dot + 0.5 * Uniform());
                b.Add($"u{u}", $"i{i}", (float)Math.Clamp(value, 1, 5), time: 1000 * u + i);
            }
        }
        var ratings = b.Build();
        var genre = Enumerable.Range(0, items).ToDictionary(i => $"i{i}", i => new[] { $"genre:g{i % Genres}" }, StringComparer.Ordinal);
        return (ratings, profiles, genre);
    }

    /// <summary>Both heads, small and single-threaded, trained on <paramref name="train"/>.</summary>
    public static FactorModel Train(RatingSet train) =>
        new SgdTrainer(new TrainingOptions { Factors = 4, Epochs = 40, Threads = 1 }).Train(train).Model
            .WithRanking(new RankingTrainer(new RankingOptions { Factors = 4, Iterations = 8, Threads = 1 }).Train(train));
}
