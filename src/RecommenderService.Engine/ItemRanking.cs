namespace RecommenderService.Engine;

/// <summary>Selects the best-scoring items from a dense score vector, skipping excluded items.</summary>
public static class ItemRanking
{
    /// <summary>
    /// The <paramref name="count"/> highest scores, best first; ties go to the lower item index, so rankings are
    /// deterministic. NaN scores and the items in <paramref name="excluded"/> (any order) are skipped.
    /// </summary>
    public static ScoredItem[] Top(ReadOnlySpan<float> scores, int count, ReadOnlySpan<int> excluded)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var skip = new HashSet<int>(excluded.Length);
        foreach (var e in excluded) skip.Add(e);
        count = Math.Min(count, scores.Length);
        if (count == 0) return [];
        var best = new ScoredItem[count];
        var size = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            var s = scores[i];
            if (float.IsNaN(s) || (size == count && s <= best[size - 1].Score) || skip.Contains(i)) continue;
            // Insertion into a short sorted array: K is 10-100, far cheaper than a heap's bookkeeping here.
            var at = size == count ? size - 1 : size++;
            while (at > 0 && best[at - 1].Score < s)
            {
                best[at] = best[at - 1];
                at--;
            }
            best[at] = new ScoredItem(i, s);
        }
        return size == count ? best : best[..size];
    }
}
