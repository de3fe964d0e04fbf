using System.Runtime.InteropServices;

namespace RecommenderService.Api.Ratings.Import;

/// <summary>
/// Parsed lines of an import in columns, users and items by their number in order of first appearance;
/// grows by doubling. Holds one chunk of an import at most (<see cref="IngestOptions.ImportChunkRows"/>).
/// </summary>
internal sealed class ImportRows
{
    public const long NoTime = long.MinValue;

    private readonly Dictionary<string, int> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _items = new(StringComparer.Ordinal);

    public List<string> UserIds { get; } = [];
    public List<string> ItemIds { get; } = [];
    public int[] Users { get; private set; } = new int[4096];
    public int[] Items { get; private set; } = new int[4096];
    public float[] Values { get; private set; } = new float[4096];
    public long[] RatedAtTicks { get; private set; } = new long[4096];
    public int Count { get; private set; }
    public int UserCount => UserIds.Count;
    public int ItemCount => ItemIds.Count;

    public int UserIndex(string id) => _users[id];
    public int ItemIndex(string id) => _items[id];

    public void Add(CsvRating rating)
    {
        if (Count == Users.Length)
        {
            var size = checked(Count * 2);
            Users = Grow(Users, size);
            Items = Grow(Items, size);
            Values = Grow(Values, size);
            RatedAtTicks = Grow(RatedAtTicks, size);
        }
        Users[Count] = Number(_users, UserIds, rating.UserId);
        Items[Count] = Number(_items, ItemIds, rating.ItemId);
        Values[Count] = rating.Value;
        RatedAtTicks[Count] = rating.RatedAt is { } ratedAt ? ratedAt.Ticks : NoTime;
        Count++;
    }

    private static int Number(Dictionary<string, int> numbers, List<string> ids, string id)
    {
        ref var number = ref CollectionsMarshal.GetValueRefOrAddDefault(numbers, id, out var exists);
        if (!exists)
        {
            number = ids.Count;
            ids.Add(id);
        }
        return number;
    }

    private static T[] Grow<T>(T[] array, int size)
    {
        var grown = new T[size];
        Array.Copy(array, grown, array.Length);
        return grown;
    }

    /// <summary>
    /// The lines keyed by their users' and items' database ids and sorted, keeping the last line of each pair (the one
    /// that wins): <c>Keys[j]</c> and <c>Lines[j]</c> for j below <c>Count</c>.
    /// </summary>
    public (long[] Keys, int[] Lines, int Count) LastOfEachPair(int[] userKeys, int[] itemKeys)
    {
        var keys = new long[Count];
        var lines = new int[Count];
        for (var i = 0; i < Count; i++)
        {
            keys[i] = ((long)userKeys[Users[i]] << 32) | (uint)itemKeys[Items[i]];
            lines[i] = i;
        }
        Array.Sort(keys, lines);
        var distinct = 0;
        for (var i = 0; i < Count; i++)
        {
            var last = lines[i];
            while (i + 1 < Count && keys[i + 1] == keys[i]) last = Math.Max(last, lines[++i]);
            keys[distinct] = keys[i];
            lines[distinct] = last;
            distinct++;
        }
        return (keys, lines, distinct);
    }
}
