namespace RecommenderService.Engine;

/// <summary>
/// Ratings as struct-of-arrays: rating r is (<see cref="User"/>[r], <see cref="Item"/>[r],
/// <see cref="Value"/>[r], <see cref="Time"/>[r]), with users and items as dense indices into
/// <see cref="Users"/> and <see cref="Items"/>. No per-rating objects, so the trainer's loop reads
/// four arrays sequentially.
/// </summary>
/// <remarks>
/// Subsets (train/test splits) share the id maps of their parent, so an index means the same user or item
/// in every part of a split. The arrays are exactly <see cref="Count"/> long, except <see cref="Time"/>, which is
/// empty in a set read without timestamps (<see cref="RatingFileReadOptions.KeepTimes"/>).
/// </remarks>
public sealed class RatingSet
{
    public RatingSet(IdMap users, IdMap items, int[] user, int[] item, float[] value, long[] time)
    {
        if (user.Length != item.Length || user.Length != value.Length || (time.Length != user.Length && time.Length != 0))
            throw new ArgumentException("Rating arrays must have the same length (times: the same, or none).");
        Users = users;
        Items = items;
        User = user;
        Item = item;
        Value = value;
        Time = time;
    }

    /// <summary>External user ids by dense index.</summary>
    public IdMap Users { get; }

    /// <summary>External item ids by dense index.</summary>
    public IdMap Items { get; }

    public int[] User { get; private set; }
    public int[] Item { get; private set; }
    public float[] Value { get; private set; }

    /// <summary>Unix seconds; 0 when the source had no timestamps; empty when they were not kept (see <see cref="HasTimes"/>).</summary>
    public long[] Time { get; private set; }

    /// <summary>
    /// Empties the set (every array, <see cref="Count"/> 0; the id maps stay): for a set whose only reader has made
    /// its own copy of what it needs, so the memory can be collected while other references to the set remain.
    /// </summary>
    internal void Release()
    {
        User = [];
        Item = [];
        Value = [];
        Time = [];
    }

    /// <summary>False for a set read without keeping timestamps: <see cref="Time"/> is then empty.</summary>
    public bool HasTimes => Time.Length == Count;

    /// <summary>Throws for a set without timestamps, naming what needed them.</summary>
    public void RequireTimes(string purpose)
    {
        if (!HasTimes) throw new InvalidOperationException($"{purpose} needs timestamps, and these ratings were read without them.");
    }

    public int Count => User.Length;
    public int UserCount => Users.Count;
    public int ItemCount => Items.Count;

    /// <summary>The ratings at <paramref name="indices"/>, in that order, sharing this set's id maps.</summary>
    public RatingSet Subset(ReadOnlySpan<int> indices)
    {
        var user = new int[indices.Length];
        var item = new int[indices.Length];
        var value = new float[indices.Length];
        var time = HasTimes ? new long[indices.Length] : [];
        for (var k = 0; k < indices.Length; k++)
        {
            var r = indices[k];
            user[k] = User[r];
            item[k] = Item[r];
            value[k] = Value[r];
            if (time.Length > 0) time[k] = Time[r];
        }
        return new RatingSet(Users, Items, user, item, value, time);
    }

    /// <summary>Mean rating (μ); 0 for an empty set.</summary>
    public double Mean()
    {
        if (Count == 0) return 0;
        double sum = 0;
        foreach (var v in Value) sum += v;
        return sum / Count;
    }
}
