namespace RecommenderService.Engine;

/// <summary>
/// Reads item attributes: either lines <c>item TAB attribute|attribute|…</c>, or MovieLens-100k's <c>u.item</c>
/// (<c>id|title|date|video date|url|</c> then 19 genre flags), whose set flags become <c>genre:NAME</c>.
/// </summary>
public static class ItemAttributeFile
{
    /// <summary>MovieLens-100k's genres in the order of u.item's flags (u.genre).</summary>
    public static readonly string[] MovieLensGenres =
    [
        "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
        "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
    ];

    /// <summary>Attributes by item id; items listed without attributes get an empty array.</summary>
    /// <exception cref="RatingFileException">A line is neither format.</exception>
    public static Dictionary<string, string[]> Read(string path)
    {
        var result = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var line = 0;
        // u.item is Latin-1 (accented titles); the attribute part is ASCII either way.
        foreach (var text in File.ReadLines(path, System.Text.Encoding.Latin1))
        {
            line++;
            if (text.Length == 0) continue;
            var tab = text.IndexOf('\t');
            if (tab > 0)
            {
                result[text[..tab]] = text[(tab + 1)..].Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                continue;
            }
            var fields = text.Split('|');
            if (fields.Length != 5 + MovieLensGenres.Length || fields[0].Length == 0)
                throw new RatingFileException(path, line, "expected 'item TAB attribute|attribute…' or a MovieLens u.item line (5 fields and 19 genre flags)");
            var genres = new List<string>();
            for (var g = 0; g < MovieLensGenres.Length; g++)
                if (fields[5 + g] == "1") genres.Add("genre:" + MovieLensGenres[g]);
            result[fields[0]] = genres.ToArray();
        }
        return result;
    }
}
