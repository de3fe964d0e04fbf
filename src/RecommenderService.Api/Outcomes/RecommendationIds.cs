namespace RecommenderService.Api.Outcomes;

/// <summary>
/// The ids list responses carry (<c>recommendationId</c>): version-7 UUIDs, unique and time-ordered (so the impressions
/// table's key grows at its right edge), written in the usual 36-character form.
/// </summary>
public static class RecommendationIds
{
    public static Guid New() => Guid.CreateVersion7();

    public static string Format(Guid id) => id.ToString("D");

    /// <summary>Reads an id in the form this service hands out (hyphens optional, any case); false for anything else.</summary>
    public static bool TryParse(string? text, out Guid id)
    {
        id = default;
        return text is { Length: 32 or 36 } && (Guid.TryParseExact(text, "D", out id) || Guid.TryParseExact(text, "N", out id));
    }

    public const string Problem = "A recommendationId is the id a list response carried, e.g. \"0190a6e2-5d3b-7c4e-9f1a-2b3c4d5e6f70\".";
}
