namespace RecommenderService.Engine;

/// <summary>Accumulates ratings with string ids into a <see cref="RatingSet"/>.</summary>
/// <remarks>A later rating of the same (user, item) pair is kept as a separate row; callers that need
/// "last write wins" deduplicate first (the database does, by its primary key).</remarks>
public sealed class RatingSetBuilder
{
    private readonly IdMap _users;
    private readonly IdMap _items;
    private int[] _user;
    private int[] _item;
    private float[] _value;
    private long[] _time;
    private int _count;

    public RatingSetBuilder(int capacity = 1024, IdMap? users = null, IdMap? items = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _users = users ?? new IdMap();
        _items = items ?? new IdMap();
        _user = new int[capacity];
        _item = new int[capacity];
        _value = new float[capacity];
        _time = new long[capacity];
    }

    public int Count => _count;
    public IdMap Users => _users;
    public IdMap Items => _items;

    public void Add(string user, string item, float value, long time = 0) =>
        Add(_users.GetOrAdd(user), _items.GetOrAdd(item), value, time);

    /// <summary>Adds a rating by dense indices already present in <see cref="Users"/> and <see cref="Items"/>.</summary>
    public void Add(int user, int item, float value, long time = 0)
    {
        if (_count == _user.Length) Grow();
        _user[_count] = user;
        _item[_count] = item;
        _value[_count] = value;
        _time[_count] = time;
        _count++;
    }

    /// <summary>
    /// The ratings added so far. A builder made with the exact capacity hands over its arrays instead of copying them
    /// (a second copy of millions of ratings at the peak); it must not be added to afterwards.
    /// </summary>
    public RatingSet Build() => _count == _user.Length
        ? new(_users, _items, _user, _item, _value, _time)
        : new(_users, _items, _user[.._count], _item[.._count], _value[.._count], _time[.._count]);

    private void Grow()
    {
        var size = Math.Max(16, _user.Length * 2);
        Array.Resize(ref _user, size);
        Array.Resize(ref _item, size);
        Array.Resize(ref _value, size);
        Array.Resize(ref _time, size);
    }
}
