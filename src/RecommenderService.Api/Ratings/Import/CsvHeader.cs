namespace RecommenderService.Api.Ratings.Import;

/// <summary>
/// Which first lines of a CSV import are a header: each field names its column (case, '_', '-' and spaces
/// aside), as <c>userId,itemId,rating,timestamp</c>, <c>user_id,item_id,rating</c> or MovieLens'
/// <c>UserID,MovieID,Rating,Timestamp</c> do. Any other first line is data and must parse as a rating:
/// a typo in the first rating is an error, not a header silently dropped.
/// </summary>
public static class CsvHeader
{
    private static readonly string[][] Names =
    [
        ["userid", "user", "uid"],
        ["itemid", "item", "iid", "movieid", "movie"],
        ["rating", "score"],
        ["timestamp", "time", "ratedat", "date"],
    ];

    /// <param name="fields">The line's 3 or 4 fields, unquoted.</param>
    public static bool IsHeader(ReadOnlySpan<string> fields)
    {
        if (fields.Length is < 3 or > 4) return false;
        for (var i = 0; i < fields.Length; i++)
        {
            var name = Normalise(fields[i]);
            if (Array.IndexOf(Names[i], name) < 0) return false;
        }
        return true;
    }

    private static string Normalise(string field)
    {
        Span<char> buffer = stackalloc char[Math.Min(field.Length, 64)];
        var length = 0;
        foreach (var c in field)
        {
            if (c is '_' or '-' or ' ' or '\t') continue;
            if (length == buffer.Length) return "";
            buffer[length++] = char.ToLowerInvariant(c);
        }
        return new string(buffer[..length]);
    }
}
