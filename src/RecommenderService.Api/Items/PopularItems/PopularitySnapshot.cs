using RecommenderService.Engine;

namespace RecommenderService.Api.Items.PopularItems;

/// <summary>
/// Every rated item's popularity figures (<see cref="PopularityCounts"/>), computed from one aggregate query and then
/// served from memory; each list (<see cref="PopularityList"/>) is ranked the first time it is asked for.
/// </summary>
public sealed class PopularitySnapshot
{
    private readonly Dictionary<string, int> _indexById;
    private readonly Lazy<ScoredItem[]>[] _rankings;

    private PopularitySnapshot(string[] itemIds, string?[] titles, PopularityCounts counts, PopularityCounts listed, double priorCount)
    {
        ItemIds = itemIds;
        Titles = titles;
        Counts = counts;
        GlobalMean = listed.WindowMean;
        _indexById = new Dictionary<string, int>(itemIds.Length, StringComparer.Ordinal);
        for (var i = 0; i < itemIds.Length; i++) _indexById[itemIds[i]] = i;
        _rankings = new Lazy<ScoredItem[]>[PopularityLists.All.Count];
        for (var l = 0; l < _rankings.Length; l++)
        {
            var list = PopularityLists.All[l];
            _rankings[l] = new Lazy<ScoredItem[]>(() => Popularity.Rank(list, listed, priorCount, itemIds.Length, ReadOnlySpan<int>.Empty));
        }
    }

    public string[] ItemIds { get; }
    public string?[] Titles { get; }

    /// <summary>The figures every list is ranked from, by item index.</summary>
    public PopularityCounts Counts { get; }

    /// <summary>μ over the ratings the damped mean counts of items with enough raters to be listed (0 when there are none).</summary>
    public double GlobalMean { get; }

    /// <summary>
    /// How many item erasures this replica knew of when the computation began (<see cref="Erasure.ErasedItems.Heard"/>):
    /// an item erased later is still in the list until the next refresh, and is skipped.
    /// </summary>
    public long ErasuresHeard { get; private init; }

    public static PopularitySnapshot Create(string[] itemIds, string?[] titles, PopularityCounts counts, double priorCount,
        int minimumRaters, long erasuresHeard = 0) =>
        new(itemIds, titles, counts, counts.WithMinimumRaters(minimumRaters), priorCount) { ErasuresHeard = erasuresHeard };

    /// <summary>Every item of <paramref name="list"/>, best first (see <see cref="Popularity.Rank(PopularityList, PopularityCounts, double, int, ReadOnlySpan{int})"/>).</summary>
    public ScoredItem[] Ranking(PopularityList list) => _rankings[(int)list].Value;

    /// <summary>
    /// The ratings an item's shown figures are over: the damped mean's window (<c>Popularity:WindowDays</c>) when the
    /// item has ratings in it, all time otherwise.
    /// </summary>
    public (int Count, double Mean) Figures(int index) => Counts.WindowCounts[index] > 0
        ? (Counts.WindowCounts[index], Counts.WindowSums[index] / Counts.WindowCounts[index])
        : (Counts.Counts[index], (Counts.AllTimeSums?[index] ?? 0) / Math.Max(1, Counts.Counts[index]));

    /// <summary>The damped mean of <paramref name="itemId"/>, if it has ratings the damped mean counts.</summary>
    public bool TryGetScore(string itemId, double priorCount, out double score)
    {
        if (!_indexById.TryGetValue(itemId, out var index) || Counts.WindowCounts[index] == 0)
        {
            score = GlobalMean;
            return false;
        }
        score = Popularity.DampedMean(Counts.WindowSums[index], Counts.WindowCounts[index], GlobalMean, priorCount);
        return true;
    }
}
