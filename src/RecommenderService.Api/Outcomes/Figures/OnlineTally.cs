namespace RecommenderService.Api.Outcomes.Figures;

/// <summary>
/// Counts read from the database for one group of lists (a version's, or an experiment arm's): lists shown and lists
/// with each outcome, per strategy and source. Segments partition the lists, so their counts add up.
/// </summary>
public sealed class OnlineTally
{
    private readonly Dictionary<(string Strategy, string Source), SegmentCounts> _segments = new();

    public void AddImpressions(string strategy, string source, long count) => Segment(strategy, source).Impressions += count;

    public void AddOutcome(string strategy, string source, string type, long count)
    {
        var counts = Segment(strategy, source).Outcomes;
        counts[type] = counts.GetValueOrDefault(type) + count;
    }

    public long Impressions => _segments.Values.Sum(s => s.Impressions);

    /// <summary>Lists with an outcome of <paramref name="type"/>, over every segment.</summary>
    public long Outcomes(string type) => _segments.Values.Sum(s => s.Outcomes.GetValueOrDefault(type));

    /// <summary>The figures, with conversions for <paramref name="types"/> and liked ratings counted under <paramref name="likedType"/>.</summary>
    public OnlineFigures ToFigures(int windowHours, IReadOnlyList<string> types, string clickType, string likedType)
    {
        var segments = _segments
            .OrderByDescending(s => s.Value.Impressions).ThenBy(s => s.Key.Strategy, StringComparer.Ordinal).ThenBy(s => s.Key.Source, StringComparer.Ordinal)
            .Select(s => new OnlineSegment(s.Key.Strategy, s.Key.Source, s.Value.Impressions,
                OnlineRate.Of(s.Value.Outcomes.GetValueOrDefault(clickType), s.Value.Impressions),
                OnlineRate.Of(s.Value.Outcomes.GetValueOrDefault(likedType), s.Value.Impressions),
                Conversions(types, s.Value.Outcomes.GetValueOrDefault, s.Value.Impressions)))
            .ToList();
        var impressions = Impressions;
        return new OnlineFigures(windowHours, impressions, OnlineRate.Of(Outcomes(clickType), impressions), OnlineRate.Of(Outcomes(likedType), impressions),
            Conversions(types, Outcomes, impressions), segments);
    }

    private static Dictionary<string, OnlineRate> Conversions(IReadOnlyList<string> types, Func<string, long> count, long impressions)
    {
        var conversions = new Dictionary<string, OnlineRate>(StringComparer.Ordinal);
        foreach (var type in types) conversions[type] = OnlineRate.Of(count(type), impressions);
        return conversions;
    }

    private SegmentCounts Segment(string strategy, string source)
    {
        if (!_segments.TryGetValue((strategy, source), out var counts)) _segments[(strategy, source)] = counts = new SegmentCounts();
        return counts;
    }

    private sealed class SegmentCounts
    {
        public long Impressions;
        public readonly Dictionary<string, long> Outcomes = new(StringComparer.Ordinal);
    }
}
