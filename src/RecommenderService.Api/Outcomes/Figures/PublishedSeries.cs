using Prometheus;

namespace RecommenderService.Api.Outcomes.Figures;

/// <summary>
/// The labelled series one refresh of a gauge family set: the next refresh removes the series it no longer sets, so a
/// segment that left the window leaves the exposition instead of showing its last value for ever.
/// </summary>
public sealed class PublishedSeries
{
    private readonly HashSet<Series> _series = new(SeriesComparer.Instance);

    public void Publish(Gauge gauge, double value, params string[] labels)
    {
        gauge.WithLabels(labels).Set(value);
        _series.Add(new Series(gauge, labels));
    }

    /// <summary>Removes every series published here that <paramref name="now"/> did not publish again.</summary>
    public void RemoveAbsentFrom(PublishedSeries now)
    {
        foreach (var series in _series)
            if (!now._series.Contains(series)) series.Gauge.RemoveLabelled(series.Labels);
    }

    private readonly record struct Series(Gauge Gauge, string[] Labels);

    private sealed class SeriesComparer : IEqualityComparer<Series>
    {
        public static readonly SeriesComparer Instance = new();

        public bool Equals(Series x, Series y) => ReferenceEquals(x.Gauge, y.Gauge) && x.Labels.AsSpan().SequenceEqual(y.Labels);

        public int GetHashCode(Series series)
        {
            var hash = new HashCode();
            hash.Add(series.Gauge);
            foreach (var label in series.Labels) hash.Add(label);
            return hash.ToHashCode();
        }
    }
}
