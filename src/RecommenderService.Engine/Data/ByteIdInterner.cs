using System.Text;

namespace RecommenderService.Engine;

/// <summary>
/// Maps ids given as UTF-8 byte spans to dense indices in order of first appearance, creating one string per
/// distinct id rather than one per occurrence.
/// </summary>
/// <remarks>
/// Canonical decimal ids (no sign, no leading zero, below <see cref="NumericLimit"/>), which is what every
/// MovieLens file holds, go through a flat array indexed by their value: no hashing, no comparison. Any other
/// id goes through an open-addressing table over a byte arena. One byte string always takes the same path, so
/// the two never disagree.
/// </remarks>
internal sealed class ByteIdInterner
{
    private const int NumericLimit = 1 << 22;

    private int[] _numeric = new int[1024];     // value -> index + 1, 0 = absent
    private int[] _slots = new int[1024];       // open addressing: entry + 1, 0 = empty
    private int[] _entryStart = new int[256];
    private int[] _entryLength = new int[256];
    private int[] _entryHash = new int[256];
    private int[] _entryIndex = new int[256];
    private int _entries;
    private byte[] _arena = new byte[4096];
    private int _arenaUsed;
    private readonly List<string> _ids = new();

    public int Count => _ids.Count;

    public IReadOnlyList<string> Ids => _ids;

    /// <summary>Interns every id of <paramref name="map"/> in index order, so indices carry over.</summary>
    public void AddAll(IdMap map)
    {
        Span<byte> buffer = stackalloc byte[256];
        foreach (var id in map.Ids)
        {
            var length = Encoding.UTF8.GetByteCount(id);
            var bytes = length <= buffer.Length ? buffer[..length] : new byte[length];
            Encoding.UTF8.GetBytes(id, bytes);
            GetOrAdd(bytes);
        }
    }

    /// <summary>True when <paramref name="value"/>, written canonically, takes the numeric path.</summary>
    public static bool IsNumericValue(int length, uint value) => length <= 7 && value < NumericLimit;

    /// <summary>
    /// The index of a canonical decimal id already parsed to <paramref name="value"/> (the caller checked
    /// <see cref="IsNumericValue"/> and that the text has no leading zero); <paramref name="id"/> is its text.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public int GetOrAddNumeric(uint value, ReadOnlySpan<byte> id)
    {
        var numeric = _numeric;
        if (value < (uint)numeric.Length)
        {
            var slot = numeric[value];
            if (slot != 0) return slot - 1;
        }
        return GetOrAdd(id);
    }

    public int GetOrAdd(ReadOnlySpan<byte> id)
    {
        var length = id.Length;
        if (length is > 0 and <= 7 && (id[0] != (byte)'0' || length == 1))
        {
            var value = 0;
            var k = 0;
            for (; k < length; k++)
            {
                var d = id[k] - (byte)'0';
                if ((uint)d > 9) break;
                value = value * 10 + d;
            }
            if (k == length && value < NumericLimit)
            {
                if (value >= _numeric.Length)
                    Array.Resize(ref _numeric, Math.Min(NumericLimit, Math.Max(value + 1, _numeric.Length * 2)));
                ref var slot = ref _numeric[value];
                if (slot == 0)
                {
                    _ids.Add(Encoding.UTF8.GetString(id));
                    slot = _ids.Count;
                }
                return slot - 1;
            }
        }
        return GetOrAddHashed(id);
    }

    private int GetOrAddHashed(ReadOnlySpan<byte> id)
    {
        var hash = Hash(id);
        var mask = _slots.Length - 1;
        var position = hash & mask;
        while (true)
        {
            var slot = _slots[position];
            if (slot == 0) break;
            var e = slot - 1;
            if (_entryHash[e] == hash && _arena.AsSpan(_entryStart[e], _entryLength[e]).SequenceEqual(id))
                return _entryIndex[e];
            position = (position + 1) & mask;
        }

        if (_entries == _entryStart.Length)
        {
            var size = _entries * 2;
            Array.Resize(ref _entryStart, size);
            Array.Resize(ref _entryLength, size);
            Array.Resize(ref _entryHash, size);
            Array.Resize(ref _entryIndex, size);
        }
        if (_arenaUsed + id.Length > _arena.Length)
            Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _arenaUsed + id.Length));
        id.CopyTo(_arena.AsSpan(_arenaUsed));
        var entry = _entries++;
        _entryStart[entry] = _arenaUsed;
        _entryLength[entry] = id.Length;
        _entryHash[entry] = hash;
        _entryIndex[entry] = _ids.Count;
        _arenaUsed += id.Length;
        _ids.Add(Encoding.UTF8.GetString(id));
        _slots[position] = entry + 1;
        if (_entries * 2 > _slots.Length) Rehash();
        return _ids.Count - 1;
    }

    private void Rehash()
    {
        _slots = new int[_slots.Length * 2];
        var mask = _slots.Length - 1;
        for (var e = 0; e < _entries; e++)
        {
            var position = _entryHash[e] & mask;
            while (_slots[position] != 0) position = (position + 1) & mask;
            _slots[position] = e + 1;
        }
    }

    // FNV-1a with a final avalanche; ids are short, so a per-byte loop is cheap enough and has no tail cases.
    private static int Hash(ReadOnlySpan<byte> id)
    {
        var h = 2166136261u;
        foreach (var b in id) h = (h ^ b) * 16777619u;
        h ^= h >> 15;
        h *= 0x2c1b3c6dU;
        h ^= h >> 12;
        return (int)(h & 0x7fffffff);
    }

    public IdMap ToIdMap() => new(_ids);
}
