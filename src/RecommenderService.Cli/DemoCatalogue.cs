using System.Text.Json;

namespace RecommenderService.Cli;

/// <summary>
/// Made-up film catalogue entries for the demo data set: a title put together from small word lists, one to
/// three genres and a year, deterministic from a seed. Nothing comes from a real data set; the point is that
/// lists, filters and examples read like a catalogue a person can judge.
/// </summary>
internal static class DemoCatalogue
{
    public static readonly string[] Genres =
    [
        // Most common first: the draw below favours the front of the list.
        "Drama", "Comedy", "Action", "Thriller", "Romance", "Adventure", "Crime", "Sci-Fi",
        "Mystery", "Family", "Fantasy", "Animation", "Horror", "Documentary", "Musical", "Western",
    ];

    private static readonly string[] Adjectives =
    [
        "Silent", "Crimson", "Last", "Hidden", "Golden", "Broken", "Distant", "Burning", "Frozen", "Secret",
        "Endless", "Midnight", "Wild", "Quiet", "Lost", "Electric", "Paper", "Iron", "Velvet", "Hollow",
        "Restless", "Bright", "Long", "Northern", "Shattered", "Little", "Savage", "Gentle", "Final", "Copper",
    ];

    private static readonly string[] Nouns =
    [
        "Harbor", "Garden", "Horizon", "Signal", "Orchard", "Empire", "Echo", "Letter", "Lighthouse", "River",
        "Machine", "Summer", "Winter", "Frontier", "Compass", "Carnival", "Mirror", "Station", "Island", "Canyon",
        "Parade", "Kingdom", "Archive", "Voyage", "Storm", "Theory", "Reunion", "Circus", "Valley", "Orbit",
    ];

    private static readonly string[] Places =
    [
        "Avalon Street", "the North", "Glass Bay", "Red Hill", "the Deep", "Old Town", "Cedar Falls", "the Moon",
        "Sable Point", "the Valley", "Port Ellery", "Ash Creek", "the Marsh", "Lantern Row", "the Tide",
    ];

    private static readonly string[] Numerals = ["", " II", " III", " IV", " V", " VI", " VII", " VIII", " IX", " X"];

    public sealed record Entry(string ItemId, string Title, string[] Genres, int Year);

    /// <summary>Items "1".."<paramref name="items"/>", the ids <c>recsys generate</c> writes.</summary>
    public static IEnumerable<Entry> Generate(int items, int seed)
    {
        var random = new Random(seed);
        var used = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var k = 1; k <= items; k++)
        {
            var title = random.Next(4) switch
            {
                0 => $"The {Pick(random, Adjectives)} {Pick(random, Nouns)}",
                1 => $"{Pick(random, Nouns)} of {Pick(random, Places)}",
                2 => $"{Pick(random, Adjectives)} {Pick(random, Nouns)}",
                _ => $"The {Pick(random, Nouns)} at {Pick(random, Places)}",
            };
            // A repeated title becomes a sequel, as catalogues do.
            var seen = used.GetValueOrDefault(title);
            used[title] = seen + 1;
            if (seen > 0) title += seen < Numerals.Length ? Numerals[seen] : $" Part {seen + 1}";

            // Skewed like real catalogues: dramas and comedies common, westerns and musicals rare.
            var count = 1 + (random.NextDouble() < 0.55 ? 1 : 0) + (random.NextDouble() < 0.2 ? 1 : 0);
            var genres = new SortedSet<string>(StringComparer.Ordinal);
            while (genres.Count < count)
                genres.Add(Genres[(int)(Genres.Length * Math.Pow(random.NextDouble(), 1.3))]);
            yield return new Entry(k.ToString(System.Globalization.CultureInfo.InvariantCulture), title, [.. genres], 1950 + random.Next(76));
        }
    }

    /// <summary>The body of <c>PUT /api/v1/items/{itemId}</c> for an entry.</summary>
    public static string Body(Entry entry) =>
        JsonSerializer.Serialize(new { title = entry.Title, attributes = new { genres = entry.Genres, year = entry.Year } });

    private static string Pick(Random random, string[] words) => words[random.Next(words.Length)];
}
