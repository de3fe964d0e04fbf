using Prometheus;
using RecommenderService.Api.Observability;

namespace RecommenderService.Api.Ratings;

/// <summary>Ratings written, by the route they came in on (single, batch, import).</summary>
public sealed class IngestMetrics
{
    /// <summary>Values of the <c>route</c> label.</summary>
    public static class Route
    {
        public const string Single = "single";
        public const string Batch = "batch";
        public const string Import = "import";
    }

    private readonly Counter _rows;

    public IngestMetrics(MetricsRegistry registry)
    {
        _rows = registry.Factory.CreateCounter("recommender_ingest_rows_total",
            "Ratings stored (inserted or replaced), by route: single (PUT), batch (POST /ratings/batch), import (CSV).", ["route"]);
        foreach (var route in new[] { Route.Single, Route.Batch, Route.Import }) _rows.WithLabels(route);
    }

    public void Stored(string route, long rows)
    {
        if (rows > 0) _rows.WithLabels(route).Inc(rows);
    }
}
