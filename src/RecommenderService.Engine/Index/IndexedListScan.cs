using System.Buffers;
using Cloud.Unum.USearch;

namespace RecommenderService.Engine;

/// <summary>
/// A <see cref="ListScore"/> list over a large catalogue: candidates from the ranking head's inner-product index
/// (<see cref="ItemIndexes.Lists"/>), re-ranked exactly with the full list score (both heads, the caller's exclusions),
/// instead of a scan of every item.
/// </summary>
/// <remarks>
/// <para>The list is a concatenation of tiers, so a longer list always starts with a shorter one (pages at any offset
/// continue one another for the same user, exclusions and model): tier 1 is every candidate of a search for
/// <see cref="ItemIndexOptions.Candidates"/> items (plus the rows appended after the index was built) that is not excluded,
/// sorted by the exact list score; when a list needs more than tier 1 holds (exclusions, filters, a deep page), tier 2 is a
/// search for four times as many, less what tier 1 placed, and so on; once a search would ask for the whole index, the last
/// tier is the exact scan (<see cref="BoundedListScan"/>) of everything not yet placed. Tier 1 alone serves nearly every list.</para>
/// <para>Approximate only in which items reach tier 1: the search is deterministic for a given index, and the scores are
/// the full scan's arithmetic, so an item that is in both lists has the same score in both. Recall against the exact scan
/// is measured, not assumed (docs/decisions/0013-hnsw-candidates.md).</para>
/// </remarks>
internal static class IndexedListScan
{
    /// <summary>How much larger each further tier's search is than the one before.</summary>
    internal const int Widening = 4;

    public static ScoredItem[] Top(ListScore score, FactorModel model, ReadOnlySpan<float> ratingVector, float userBias,
        ReadOnlySpan<float> rankingVector, int count, ReadOnlySpan<int> excludedItems, ItemIndex index)
    {
        var items = model.Items.Count;
        if (count <= 0 || items == 0) return [];
        count = Math.Min(count, items);
        var result = new ScoredItem[count];
        var placed = 0;
        var excluded = TopK.RentExclusions(excludedItems, items, out var words);
        var used = ArrayPool<ulong>.Shared.Rent(words);
        used.AsSpan(0, words).Clear();
        var scorer = new Scorer(score, model, ratingVector, userBias, rankingVector);
        try
        {
            for (var ask = index.Options.Candidates; placed < count; ask = ask > index.Count / Widening ? index.Count : ask * Widening)
            {
                if (ask >= index.Count || !TryTier(ref scorer, index, rankingVector, ask, first: placed == 0 && ask == index.Options.Candidates,
                        excluded, used, result, ref placed))
                {
                    placed += LastTier(score, model, ratingVector, userBias, rankingVector, excludedItems, used, words, result.AsSpan(placed));
                    break;
                }
            }
        }
        finally
        {
            TopK.Return(excluded);
            ArrayPool<ulong>.Shared.Return(used);
        }
        return placed == count ? result : result[..placed];
    }

    /// <summary>
    /// One tier: searches for <paramref name="ask"/> candidates and appends those not excluded or placed, best first, up to
    /// the list's length. False when the native search failed (the caller finishes with the exact scan).
    /// </summary>
    private static bool TryTier(ref Scorer scorer, ItemIndex index, ReadOnlySpan<float> rankingVector, int ask, bool first,
        ulong[]? excluded, ulong[] used, ScoredItem[] result, ref int placed)
    {
        var found = ArrayPool<int>.Shared.Rent(ask);
        try
        {
            int got;
            try
            {
                got = index.Search(rankingVector, found.AsSpan(0, ask));
            }
            catch (USearchException)
            {
                return false;
            }
            var tier = new TopK(result.Length - placed);
            for (var j = 0; j < got; j++)
            {
                var item = found[j];
                if (!TopK.IsExcluded(excluded, item) && !TopK.IsExcluded(used, item)) tier.Offer(item, scorer.Score(item));
            }
            // Rows appended after the index was built (items from attributes) are in no index: every list weighs them.
            if (first)
                for (var item = index.Count; item < scorer.Items; item++)
                    if (!TopK.IsExcluded(excluded, item)) tier.Offer(item, scorer.Score(item));
            foreach (var entry in tier.ToSortedArray())
            {
                result[placed++] = entry;
                used[entry.Item >> 6] |= 1UL << entry.Item;
            }
            return true;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(found);
        }
    }

    /// <summary>The exact scan of every item neither excluded nor placed, into <paramref name="rest"/>; returns how many.</summary>
    private static int LastTier(ListScore score, FactorModel model, ReadOnlySpan<float> ratingVector, float userBias,
        ReadOnlySpan<float> rankingVector, ReadOnlySpan<int> excludedItems, ulong[] used, int words, Span<ScoredItem> rest)
    {
        var skip = new List<int>(excludedItems.Length + 64);
        foreach (var item in excludedItems) skip.Add(item);
        for (var w = 0; w < words; w++)
            for (var bits = used[w]; bits != 0; bits &= bits - 1)
                skip.Add((w << 6) + System.Numerics.BitOperations.TrailingZeroCount(bits));
        var tail = score.TopByScan(model, ratingVector, userBias, rankingVector, rest.Length, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(skip));
        tail.CopyTo(rest);
        return tail.Length;
    }

    /// <summary>The exact list score of one item: the full scan's arithmetic, one row at a time.</summary>
    private readonly ref struct Scorer
    {
        private readonly FactorModel _model;
        private readonly RankingHead _head;
        private readonly ReadOnlySpan<float> _ratingVector;
        private readonly ReadOnlySpan<float> _rankingVector;
        private readonly ListScore.Curve _curve;
        private readonly float _constant;
        private readonly bool _weighted;

        public Scorer(ListScore score, FactorModel model, ReadOnlySpan<float> ratingVector, float userBias, ReadOnlySpan<float> rankingVector)
        {
            _model = model;
            _head = model.Ranking!;
            _ratingVector = ratingVector;
            _rankingVector = rankingVector;
            _curve = score.CurveFor(model.Scale);
            _constant = model.GlobalMean + userBias;
            _weighted = score.Sharpness != 0;
        }

        public int Items => _model.Items.Count;

        public float Score(int item)
        {
            Span<float> dot = stackalloc float[1];
            var h = _head.Factors;
            RowDots.Compute(_head.ItemFactors.AsSpan(item * h, h), _rankingVector, dot);
            var s = dot[0];
            if (!_weighted) return s;
            var k = _model.Factors;
            var rating = 0f;
            if (k > 0)
            {
                RowDots.Compute(_model.ItemFactors.AsSpan(item * k, k), _ratingVector, dot);
                rating = dot[0];
            }
            return _curve.Combine(s, _constant + _model.ItemBias[item] + rating);
        }
    }
}
