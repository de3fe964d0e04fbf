using System.Text;

namespace RecommenderService.Engine;

/// <summary>
/// Gives new items (few ratings, recently added, or known only from their attributes) a bounded share of a personalised
/// list so they gather the ratings that train them: some slots from position 4 on (<see cref="ExplorationOptions"/>)
/// hold the user's best new items by predicted affinity instead of the next ranked item.
/// </summary>
/// <remarks>
/// <para>Which positions are slots is a function of the position and a per-user phase φ ∈ [0, 1) drawn from (user, model
/// version): position p ≥ 4 (1-based) is a slot when ⌊(j + 1)·s + φ⌋ &gt; ⌊j·s + φ⌋, j = p − 4, s the share. So exactly
/// s of the positions from 4 on are slots, spread evenly rather than clumped, different users get them at different
/// positions, and a list of depth 20 holds the list of depth 10 as its prefix: pages concatenate.</para>
/// <para>Slots take new items by the user's own list score among new items (the best new item for this user first), so
/// exploration spends its slots where the model, from attributes or a few ratings, expects a like; different tastes
/// spread the exposure over different new items. An item already placed by rank is not repeated.</para>
/// </remarks>
public static class Exploration
{
    /// <summary>
    /// The seed of a user's slot positions under one model version: FNV-1a over the user id and the version, stable
    /// across processes and replicas (unlike <see cref="string.GetHashCode()"/>).
    /// </summary>
    public static ulong SeedFor(string userId, long modelVersion)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(userId)) hash = (hash ^ b) * 1099511628211UL;
        for (var shift = 0; shift < 64; shift += 8) hash = (hash ^ (byte)(modelVersion >> shift)) * 1099511628211UL;
        // A final mix so that nearby ids and versions give unrelated phases.
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        return hash;
    }

    /// <summary>Whether 0-based <paramref name="position"/> is an exploration slot for <paramref name="seed"/> at <paramref name="share"/>.</summary>
    public static bool IsSlot(int position, double share, ulong seed)
    {
        if (share <= 0 || position < ExplorationOptions.ProtectedPositions) return false;
        var phase = (seed >> 11) * (1.0 / (1UL << 53));
        var j = position - ExplorationOptions.ProtectedPositions;
        return Math.Floor((j + 1) * share + phase) > Math.Floor(j * share + phase);
    }

    /// <summary>How many of the first <paramref name="count"/> positions are slots.</summary>
    public static int SlotCount(int count, double share, ulong seed)
    {
        var slots = 0;
        for (var p = 0; p < count; p++) if (IsSlot(p, share, seed)) slots++;
        return slots;
    }

    /// <summary>
    /// How many candidates <see cref="Mix"/> needs for a list of <paramref name="depth"/> so that it is the prefix of any
    /// deeper one: a slot skips candidates already placed by rank (up to <paramref name="depth"/> of them), so the slots
    /// are filled from the same candidates whatever the depth only if that many more are at hand.
    /// </summary>
    public static int CandidateCount(int depth, double share, ulong seed) => SlotCount(depth, share, seed) + Math.Max(0, depth);

    /// <summary>
    /// The first <paramref name="count"/> entries of the mixed list: <paramref name="ranked"/> (the personalised list, best
    /// first, at least <paramref name="count"/> long when the catalogue allows) with its slots given to
    /// <paramref name="candidates"/> (new items, best first by the user's affinity, without the user's excluded items), each
    /// item once. A slot with no candidate left takes the next ranked item; a slot's score is the candidate's affinity.
    /// For pages to concatenate, pass the user's best <see cref="CandidateCount"/> new items.
    /// </summary>
    public static ExploredItem[] Mix(ReadOnlySpan<ScoredItem> ranked, ReadOnlySpan<ScoredItem> candidates, int count, double share, ulong seed)
    {
        var result = new List<ExploredItem>(Math.Max(0, count));
        var placed = new HashSet<int>();
        int r = 0, c = 0;
        for (var p = 0; p < count; p++)
        {
            if (IsSlot(p, share, seed))
            {
                while (c < candidates.Length && placed.Contains(candidates[c].Item)) c++;
                if (c < candidates.Length)
                {
                    placed.Add(candidates[c].Item);
                    result.Add(new ExploredItem(candidates[c].Item, candidates[c].Score, true));
                    c++;
                    continue;
                }
            }
            while (r < ranked.Length && placed.Contains(ranked[r].Item)) r++;
            if (r == ranked.Length) break;
            placed.Add(ranked[r].Item);
            result.Add(new ExploredItem(ranked[r].Item, ranked[r].Score, false));
            r++;
        }
        return result.ToArray();
    }

    /// <summary>
    /// The user's best <paramref name="count"/> items among <paramref name="newItems"/> by <paramref name="score"/> (the
    /// list score of both heads; the predicted rating when <paramref name="rankingVector"/> is empty or the model has no
    /// ranking head), best first, ties by the lower index, without <paramref name="excludedItems"/>.
    /// </summary>
    public static ScoredItem[] Candidates(FactorModel model, ReadOnlySpan<float> ratingVector, float userBias, ReadOnlySpan<float> rankingVector,
        ReadOnlySpan<int> newItems, ReadOnlySpan<int> excludedItems, int count, ListScore? score = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (count <= 0 || newItems.IsEmpty) return [];
        var excluded = new HashSet<int>(excludedItems.Length);
        foreach (var e in excludedItems) excluded.Add(e);
        var top = new TopK(Math.Min(count, newItems.Length));
        var useRanking = model.Ranking is { } head && rankingVector.Length == head.Factors;
        var list = score ?? ListScore.Default;
        // The service passes its new items sorted, so a repeat is the previous item; a set is kept only for other callers.
        var sorted = IsAscending(newItems);
        var seen = sorted ? null : new HashSet<int>();
        var previous = -1;
        foreach (var item in newItems)
        {
            if (sorted ? item == previous : !seen!.Add(item)) continue;
            previous = item;
            if ((uint)item >= (uint)model.Items.Count || excluded.Contains(item)) continue;
            var rating = model.Score(ratingVector, userBias, item);
            var value = useRanking
                ? list.Combine(System.Numerics.Tensors.TensorPrimitives.Dot(rankingVector, model.Ranking!.ItemVector(item)), model.Scale.Clamp(rating), model.Scale)
                : rating;
            top.Offer(item, value);
        }
        return top.ToSortedArray();
    }

    private static bool IsAscending(ReadOnlySpan<int> items)
    {
        for (var k = 1; k < items.Length; k++)
            if (items[k] < items[k - 1]) return false;
        return true;
    }
}
