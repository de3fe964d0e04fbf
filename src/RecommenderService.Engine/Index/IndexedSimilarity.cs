using System.Buffers;
using Cloud.Unum.USearch;

namespace RecommenderService.Engine;

/// <summary>
/// Similar items over a large catalogue: candidates from the ranking head's cosine index (<see cref="ItemIndexes.Similar"/>),
/// re-scored exactly as <see cref="ItemSimilarity"/>'s scan scores them, instead of a pass over every item.
/// </summary>
/// <remarks>
/// Asks for <see cref="ItemIndexOptions.Candidates"/> neighbours (at least the list's length plus the item itself); when
/// exclusions leave too few, four times as many, until a search would ask for the whole index, where the caller scans.
/// Rows appended after the index was built are in no index and always weighed.
/// </remarks>
internal static class IndexedSimilarity
{
    /// <summary>The list, or null when the caller must scan (the index cannot give enough items, or the search failed).</summary>
    public static ScoredItem[]? MostSimilar(RankingHead head, ItemIndex index, int items, int item, int count, ulong[]? excluded)
    {
        count = Math.Min(count, items - 1);
        if (count <= 0) return [];
        var h = head.Factors;
        var self = head.ItemFactors.AsSpan(item * h, h);
        var norms = head.ItemNorms;
        var selfNorm = norms[item];
        for (var ask = Math.Max(index.Options.Candidates, count + 1); ask < index.Count; ask *= IndexedListScan.Widening)
        {
            var found = ArrayPool<int>.Shared.Rent(ask);
            try
            {
                int got;
                try
                {
                    got = index.Search(self, found.AsSpan(0, ask));
                }
                catch (USearchException)
                {
                    return null;
                }
                var top = new TopK(count);
                for (var j = 0; j < got; j++) Offer(ref top, head, found[j], item, self, selfNorm, norms, excluded);
                for (var other = index.Count; other < items; other++) Offer(ref top, head, other, item, self, selfNorm, norms, excluded);
                if (top.IsFull) return top.ToSortedArray();
            }
            finally
            {
                ArrayPool<int>.Shared.Return(found);
            }
        }
        return null;
    }

    private static void Offer(ref TopK top, RankingHead head, int other, int item, ReadOnlySpan<float> self, float selfNorm,
        ReadOnlySpan<float> norms, ulong[]? excluded)
    {
        if (other == item || TopK.IsExcluded(excluded, other)) return;
        // ItemSimilarity's own arithmetic, so a neighbour scores the same by either path.
        Span<float> dot = stackalloc float[1];
        RowDots.Compute(head.ItemFactors.AsSpan(other * head.Factors, head.Factors), self, dot);
        var denominator = selfNorm * norms[other];
        top.Offer(other, denominator > 0 ? dot[0] / denominator : 0f);
    }
}
