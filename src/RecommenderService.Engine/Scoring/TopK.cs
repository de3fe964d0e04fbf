using System.Buffers;

namespace RecommenderService.Engine;

/// <summary>
/// Top-k selection, the one used by every ranking in the engine: the best <c>count</c> of a stream of scored
/// items, kept in a bounded min-heap whose root is the worst kept item, so most candidates are rejected by one
/// comparison. Higher score wins; equal scores go to the lower item index, which makes every ranking
/// deterministic; NaN scores are never kept. Also holds the exclusion bitset used by the scans
/// (<see cref="TopKScan"/>, <see cref="ListScore"/>, <see cref="ItemSimilarity"/>, <see cref="Popularity"/>).
/// </summary>
internal struct TopK
{
    private readonly ScoredItem[] _heap;
    private int _count;

    public TopK(int capacity) => _heap = capacity > 0 ? new ScoredItem[capacity] : [];

    /// <summary>
    /// The <paramref name="count"/> highest of a dense score vector (one per item index), best first, skipping NaN
    /// scores and the items in <paramref name="excluded"/> (any order).
    /// </summary>
    public static ScoredItem[] Of(ReadOnlySpan<float> scores, int count, ReadOnlySpan<int> excluded)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var top = new TopK(Math.Min(count, scores.Length));
        var skip = RentExclusions(excluded, scores.Length, out _);
        try
        {
            for (var i = 0; i < scores.Length; i++)
                if (!IsExcluded(skip, i)) top.Offer(i, scores[i]);
        }
        finally
        {
            Return(skip);
        }
        return top.ToSortedArray();
    }

    /// <summary>True when <paramref name="a"/> ranks before <paramref name="b"/>.</summary>
    public static bool Better(ScoredItem a, ScoredItem b) => a.Score > b.Score || (a.Score == b.Score && a.Item < b.Item);

    public void Offer(int item, float score)
    {
        if (float.IsNaN(score)) return;
        var candidate = new ScoredItem(item, score);
        if (_count < _heap.Length)
        {
            var i = _count++;
            while (i > 0)
            {
                var parent = (i - 1) >> 1;
                if (!Better(_heap[parent], candidate)) break;
                _heap[i] = _heap[parent];
                i = parent;
            }
            _heap[i] = candidate;
            return;
        }
        if (_heap.Length == 0 || !Better(candidate, _heap[0])) return;
        SiftDown(candidate);
    }

    /// <summary>True once <c>count</c> items are kept: from then on only an item better than <see cref="Worst"/> enters.</summary>
    public readonly bool IsFull => _count == _heap.Length;

    /// <summary>The worst kept item (the heap's root); meaningful only when <see cref="IsFull"/>.</summary>
    public readonly ScoredItem Worst => _heap[0];

    /// <summary>The kept items in heap order (not sorted).</summary>
    public readonly ReadOnlySpan<ScoredItem> Kept => _heap.AsSpan(0, _count);

    /// <summary>The kept items, best first. Allocates only when fewer than the capacity were offered.</summary>
    public ScoredItem[] ToSortedArray()
    {
        var result = _count == _heap.Length ? _heap : _heap[.._count];
        result.AsSpan().Sort(static (a, b) => Better(a, b) ? -1 : Better(b, a) ? 1 : 0);
        return result;
    }

    private void SiftDown(ScoredItem value)
    {
        var i = 0;
        while (true)
        {
            var child = 2 * i + 1;
            if (child >= _count) break;
            // The worse child moves up: the root must stay the worst kept item.
            if (child + 1 < _count && Better(_heap[child], _heap[child + 1])) child++;
            if (!Better(value, _heap[child])) break;
            _heap[i] = _heap[child];
            i = child;
        }
        _heap[i] = value;
    }

    /// <summary>
    /// A bitset of excluded item indices built from an unsorted list (out-of-range indices are ignored: an item
    /// the model does not know cannot be recommended anyway). Rented from the shared pool; call <see cref="Return"/>.
    /// </summary>
    public static ulong[]? RentExclusions(ReadOnlySpan<int> excluded, int items, out int words)
    {
        words = (items + 63) >> 6;
        if (excluded.IsEmpty) return null;
        var bits = ArrayPool<ulong>.Shared.Rent(words);
        bits.AsSpan(0, words).Clear();
        foreach (var item in excluded)
            if ((uint)item < (uint)items) bits[item >> 6] |= 1UL << item;
        return bits;
    }

    public static bool IsExcluded(ulong[]? bits, int item) => bits is not null && (bits[item >> 6] & (1UL << item)) != 0;

    public static void Return(ulong[]? bits)
    {
        if (bits is not null) ArrayPool<ulong>.Shared.Return(bits);
    }
}
