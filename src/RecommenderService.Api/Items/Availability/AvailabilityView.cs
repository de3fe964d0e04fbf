using RecommenderService.Engine;

namespace RecommenderService.Api.Items.Availability;

/// <summary>
/// The items that may not be listed right now, as one immutable snapshot: valid until the catalogue changes or
/// <see cref="ValidUntil"/> (the next scheduled start or end) passes, whichever comes first.
/// </summary>
/// <param name="Sequence">Grows with every new snapshot; a list ranked under one snapshot records it.</param>
/// <param name="RestoredSequence">The last <see cref="Sequence"/> at which an item became listable again: a list ranked
/// before it may lack an item it should now hold, while a list ranked after it (with none of its items retired since)
/// is still the best among the listable items.</param>
/// <param name="ValidUntil">When a scheduled rule changes what is listable.</param>
/// <param name="Unavailable">External ids of the items that may not be listed.</param>
public sealed class AvailabilityView(long Sequence, long RestoredSequence, DateTimeOffset ValidUntil, IReadOnlySet<string> Unavailable)
{
    public static AvailabilityView Empty { get; } = new(0, 0, DateTimeOffset.MaxValue, new HashSet<string>(StringComparer.Ordinal));

    public long Sequence { get; } = Sequence;
    public long RestoredSequence { get; } = RestoredSequence;
    public DateTimeOffset ValidUntil { get; } = ValidUntil;
    public IReadOnlySet<string> Unavailable { get; } = Unavailable;

    public bool IsAvailable(string itemId) => !Unavailable.Contains(itemId);

    private sealed record ModelIndices(FactorModel Model, int[] Indices);

    private ModelIndices? _indices;

    /// <summary>The indices in <paramref name="model"/> of the unavailable items, computed once per model.</summary>
    public int[] IndicesIn(FactorModel model)
    {
        var cached = Volatile.Read(ref _indices);
        if (cached is { } hit && ReferenceEquals(hit.Model, model)) return hit.Indices;
        var indices = new List<int>(Unavailable.Count);
        foreach (var id in Unavailable)
            if (model.Items.TryGetIndex(id, out var index)) indices.Add(index);
        var result = indices.ToArray();
        Volatile.Write(ref _indices, new ModelIndices(model, result));
        return result;
    }
}
