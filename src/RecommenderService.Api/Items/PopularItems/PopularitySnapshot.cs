using RecommenderService.Engine;

namespace RecommenderService.Api.Items.PopularItems;

/// <summary>
/// Every rated item ranked by damped mean, computed from one aggregate query and then served from memory.
/// </summary>
public sealed class PopularitySnapshot
{
    private readonly Dictionary<string, int> _indexById;

    private PopularitySnapshot(string[] itemIds, string?[] titles, int[] counts, double[] sums, double globalMean, ScoredItem[] ranking)
    {
        ItemIds = itemIds;
        Titles = titles;
        Counts = counts;
        Sums = sums;
        GlobalMean = globalMean;
        Ranking = ranking;
        _indexById = new Dictionary<string, int>(itemIds.Length, StringComparer.Ordinal);
        for (var i = 0; i < itemIds.Length; i++) _indexById[itemIds[i]] = i;
    }

    public string[] ItemIds { get; }
    public string?[] Titles { get; }
    public int[] Counts { get; }
    public double[] Sums { get; }

    /// <summary>μ over the counted ratings (0 when there are none).</summary>
    public double GlobalMean { get; }

    /// <summary>All items, best damped mean first.</summary>
    public ScoredItem[] Ranking { get; }

    public static PopularitySnapshot Create(string[] itemIds, string?[] titles, int[] counts, double[] sums, double globalMean, double priorCount)
    {
        var ranking = Popularity.Rank(counts, sums, globalMean, priorCount, itemIds.Length, ReadOnlySpan<int>.Empty);
        return new PopularitySnapshot(itemIds, titles, counts, sums, globalMean, ranking);
    }

    /// <summary>The damped mean of <paramref name="itemId"/>, if it has ratings.</summary>
    public bool TryGetScore(string itemId, double priorCount, out double score)
    {
        if (!_indexById.TryGetValue(itemId, out var index))
        {
            score = GlobalMean;
            return false;
        }
        score = Popularity.DampedMean(Sums[index], Counts[index], GlobalMean, priorCount);
        return true;
    }
}
