using System.Runtime.InteropServices;

namespace RecommenderService.Engine;

/// <summary>
/// Ratings partitioned LIBMF-style into a B×B grid of blocks by a random assignment of users to row bands
/// and items to column bands. Blocks on one "diagonal" share no user and no item, so threads can update them
/// at the same time without locks. Within a block the ratings are grouped into runs of one user, so the
/// trainer keeps p_u (and b_u) in L1 for the whole run instead of fetching a random row per rating; that
/// grouping is what makes the loop compute-bound (measured: 3-4× the throughput of a fully random order).
/// </summary>
internal sealed class RatingGrid
{
    /// <summary>One rating as the trainer reads it: 8 bytes, contiguous within a run (the user is the run's).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Entry
    {
        public int Item;
        public float Value;
    }

    /// <summary>The ratings of one user within one block: <c>Entries[Start..Start+Count)</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Run
    {
        public int User;
        public int Start;
        public int Count;
    }

    public RatingGrid(RatingSet ratings, int size, int seed)
    {
        Size = size;
        var rng = SeededRandom.For(seed, 0x6772_6964);
        var userBand = Bands(ratings.UserCount, size, ref rng);
        var itemBand = Bands(ratings.ItemCount, size, ref rng);
        var users = ratings.User;
        var items = ratings.Item;
        var values = ratings.Value;
        var n = users.Length;

        // Counting sort by user, then a stable scatter into blocks: each block ends up grouped by user.
        var userStart = new int[ratings.UserCount + 1];
        foreach (var u in users) userStart[u + 1]++;
        for (var u = 0; u < ratings.UserCount; u++) userStart[u + 1] += userStart[u];
        var byUser = new int[n];
        for (var r = 0; r < n; r++) byUser[userStart[users[r]]++] = r;

        var blocks = size * size;
        var start = new int[blocks + 1];
        for (var r = 0; r < n; r++) start[userBand[users[r]] * size + itemBand[items[r]] + 1]++;
        for (var b = 0; b < blocks; b++) start[b + 1] += start[b];

        Entries = new Entry[n];
        var blockUser = new int[n];
        var fill = start[..blocks];
        foreach (var r in byUser)
        {
            var slot = fill[userBand[users[r]] * size + itemBand[items[r]]]++;
            Entries[slot] = new Entry { Item = items[r], Value = values[r] };
            blockUser[slot] = users[r];
        }

        RunStart = new int[blocks + 1];
        var runs = new List<Run>(Math.Min(n, ratings.UserCount * size));
        for (var b = 0; b < blocks; b++)
        {
            for (var s = start[b]; s < start[b + 1];)
            {
                var e = s + 1;
                while (e < start[b + 1] && blockUser[e] == blockUser[s]) e++;
                runs.Add(new Run { User = blockUser[s], Start = s, Count = e - s });
                s = e;
            }
            RunStart[b + 1] = runs.Count;
        }
        Runs = runs.ToArray();
    }

    /// <summary>B, the number of bands per side.</summary>
    public int Size { get; }

    /// <summary>All ratings, grouped by block and within a block by user.</summary>
    public Entry[] Entries { get; }

    /// <summary>All runs; block b owns <c>Runs[RunStart[b]..RunStart[b+1])</c>.</summary>
    public Run[] Runs { get; }

    public int[] RunStart { get; }

    public Span<Run> BlockRuns(int row, int column)
    {
        var b = row * Size + column;
        return Runs.AsSpan(RunStart[b], RunStart[b + 1] - RunStart[b]);
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
