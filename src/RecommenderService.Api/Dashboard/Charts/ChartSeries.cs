namespace RecommenderService.Api.Dashboard.Charts;

/// <summary>One line of a <see cref="LineChart"/>: a value (or a gap, null) per point of the x axis.</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<double?> Values, bool Dashed = false);
