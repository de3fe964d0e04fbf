namespace RecommenderService.Engine;

/// <summary>
/// Maps the caller's string ids (users or items) to dense indices 0..Count-1 and back.
/// Dense indices let every other engine structure be a flat array indexed by user or item.
/// </summary>
/// <remarks>
/// Reads are safe from many threads as long as nobody adds; a map held by a trained model is never
/// added to again (the trainer and the serializer hand out fresh maps).
/// </remarks>
public sealed class IdMap
{
    private readonly Dictionary<string, int> _index;
    private readonly List<string> _ids;

    public IdMap(int capacity = 0)
    {
        _index = new Dictionary<string, int>(capacity, StringComparer.Ordinal);
        _ids = new List<string>(capacity);
    }

    /// <summary>Builds a map whose index i is <paramref name="ids"/>[i]; ids must be distinct.</summary>
    public IdMap(IEnumerable<string> ids) : this()
    {
        foreach (var id in ids)
        {
            if (!_index.TryAdd(id, _ids.Count))
                throw new ArgumentException($"Duplicate id '{id}'.", nameof(ids));
            _ids.Add(id);
        }
    }

    /// <summary>Number of distinct ids.</summary>
    public int Count => _ids.Count;

    /// <summary>The external id of dense index <paramref name="index"/>.</summary>
    public string this[int index] => _ids[index];

    /// <summary>All external ids in index order.</summary>
    public IReadOnlyList<string> Ids => _ids;

    /// <summary>The index of <paramref name="id"/>, adding it at the end when new.</summary>
    public int GetOrAdd(string id)
    {
        ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_index, id, out var exists);
        if (!exists)
        {
            slot = _ids.Count;
            _ids.Add(id);
        }
        return slot;
    }

    /// <summary>The index of <paramref name="id"/> if known.</summary>
    public bool TryGetIndex(string id, out int index) => _index.TryGetValue(id, out index);

    /// <summary>An independent copy (same ids, same indices).</summary>
    public IdMap Clone() => new(_ids);
}
