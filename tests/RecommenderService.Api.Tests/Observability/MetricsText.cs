using System.Globalization;

namespace RecommenderService.Api.Tests.Observability;

/// <summary>
/// One scrape of <c>/metrics</c> (Prometheus text format), read into series → value so a test can compare
/// figures before and after an action.
/// </summary>
public sealed class MetricsText
{
    private readonly Dictionary<string, double> _series = new(StringComparer.Ordinal);

    public MetricsText(string text)
    {
        Text = text;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var space = line.LastIndexOf(' ');
            _series[line[..space]] = double.Parse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
        }
    }

    public string Text { get; }

    public static async Task<MetricsText> ScrapeAsync(HttpClient client) => new(await client.GetStringAsync("/metrics"));

    /// <summary>The value of a series written exactly as exported, e.g. <c>x_total{route="batch"}</c>; 0 when absent.</summary>
    public double this[string series] => _series.GetValueOrDefault(series);

    public bool Has(string series) => _series.ContainsKey(series);

    /// <summary>Every series of a metric family (name, then optional labels).</summary>
    public IEnumerable<KeyValuePair<string, double>> Family(string name) =>
        _series.Where(s => s.Key == name || s.Key.StartsWith(name + "{", StringComparison.Ordinal));
}
