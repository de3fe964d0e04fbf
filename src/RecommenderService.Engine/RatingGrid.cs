using System.Runtime.InteropServices;

namespace RecommenderService.Engine;

/// <summary>
/// Ratings partitioned LIBMF-style into a B×B grid of blocks by a random assignment of users to row bands
/// and items to column bands. Blocks on one "diagonal" share no user and no item, so threads can update them
/// at the same time without locks, and each block touches only 1/B of P and of Q, which keeps its rows in cache.
/// </summary>
internal sealed class RatingGrid
{
    /// <summary>One rating as the trainer reads it: 12 bytes, contiguous within a block.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Entry
    {
        public int User;
        public int Item;
        public float Value;
    }

    public RatingGrid(RatingSet ratings, int size, int seed)
    {
        Size = size;
        var rng = SeededRandom.For(seed, 0x6772_6964);
        var userBand = Bands(ratings.UserCount, size, ref rng);
        var itemBand = Bands(ratings.ItemCount, size, ref rng);

        var blocks = size * size;
        Start = new int[blocks + 1];
        var users = ratings.User;
        var items = ratings.Item;
        var values = ratings.Value;
        for (var r = 0; r < users.Length; r++)
            Start[userBand[users[r]] * size + itemBand[items[r]] + 1]++;
        for (var b = 0; b < blocks; b++) Start[b + 1] += Start[b];

        Entries = new Entry[users.Length];
        var fill = Start[..blocks];
        for (var r = 0; r < users.Length; r++)
        {
            var b = userBand[users[r]] * size + itemBand[items[r]];
            Entries[fill[b]++] = new Entry { User = users[r], Item = items[r], Value = values[r] };
        }
    }

    /// <summary>B, the number of bands per side.</summary>
    public int Size { get; }

    /// <summary>All ratings grouped by block; block b is <c>Entries[Start[b]..Start[b+1])</c>.</summary>
    public Entry[] Entries { get; }

    public int[] Start { get; }

    public Span<Entry> Block(int row, int column)
    {
        var b = row * Size + column;
        return Entries.AsSpan(Start[b], Start[b + 1] - Start[b]);
    }

    // A shuffled round-robin assignment: every band gets the same number of ids, in random places.
    private static int[] Bands(int count, int size, ref SeededRandom rng)
    {
        var band = new int[count];
        for (var i = 0; i < count; i++) band[i] = i % size;
        rng.Shuffle(band.AsSpan());
        return band;
    }
}
