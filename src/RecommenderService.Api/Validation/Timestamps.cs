using System.Globalization;

namespace RecommenderService.Api.Validation;

/// <summary>
/// When a rating was given, as a caller may send it: an ISO-8601 time (UTC unless it carries an offset) or,
/// in CSV imports, unix seconds. Times more than <see cref="FutureTolerance"/> ahead are refused: they would
/// sort above every real rating for good.
/// </summary>
public static class Timestamps
{
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromDays(1);

    private static readonly string[] IsoFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd",
    ];

    // PostgreSQL's timestamptz and the unix-seconds reading both stay well inside this.
    private static readonly DateTime Earliest = new(1900, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly double EarliestUnixSeconds = (Earliest - DateTime.UnixEpoch).TotalSeconds;

    // Far beyond "a day from now" for centuries, and far inside DateTime's range.
    private const double LatestUnixSeconds = 1e11;

    private const string BeforeEarliest = "A timestamp must not be before 1900.";
    private const string TooFarAhead = "A timestamp may be at most one day in the future.";

    /// <summary>Parses an ISO-8601 time to UTC; null problem when it is valid.</summary>
    public static string? TryParseIso(ReadOnlySpan<char> text, DateTime now, out DateTime utc)
    {
        utc = default;
        foreach (var format in IsoFormats)
        {
            if (DateTimeOffset.TryParseExact(text, format, CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var parsed))
                return Check(parsed.UtcDateTime, now, out utc);
        }
        return "A timestamp must be an ISO-8601 time such as \"2024-01-01T12:00:00Z\".";
    }

    /// <summary>Reads unix seconds (an integer, optionally with a fraction) to UTC; null problem when valid.</summary>
    public static string? TryParseUnixSeconds(ReadOnlySpan<char> text, DateTime now, out DateTime utc)
    {
        utc = default;
        if (!double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            || !double.IsFinite(seconds))
            return "A timestamp must be unix seconds or an ISO-8601 time.";
        // Range first: far enough back, the seconds do not fit a DateTime at all.
        if (seconds < EarliestUnixSeconds) return BeforeEarliest;
        if (seconds > LatestUnixSeconds) return TooFarAhead;
        return Check(DateTime.UnixEpoch.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond)), now, out utc);
    }

    private static string? Check(DateTime candidate, DateTime now, out DateTime utc)
    {
        utc = candidate;
        if (candidate > now + FutureTolerance)
            return TooFarAhead;
        if (candidate < Earliest)
            return BeforeEarliest;
        // PostgreSQL keeps microseconds; rounding here makes what we answer equal what we store.
        utc = new DateTime(candidate.Ticks - candidate.Ticks % 10, DateTimeKind.Utc);
        return null;
    }
}
