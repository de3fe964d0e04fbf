using System.Globalization;

namespace RecommenderService.Api.Dashboard;

/// <summary>How the pages write numbers and times: one way everywhere, "–" for a figure that is not there.</summary>
public static class DisplayFormat
{
    public const string Missing = "–";

    public static string Figure(double? value, string format = "0.0000") =>
        value is { } v && double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : Missing;

    public static string Seconds(double? value) =>
        value is not { } v || !double.IsFinite(v) ? Missing
        : v < 60 ? v.ToString("0.0", CultureInfo.InvariantCulture) + " s"
        : TimeSpan.FromSeconds(v).ToString(v < 3600 ? @"m\:ss" : @"h\:mm\:ss", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset? value) =>
        value is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC" : Missing;

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
