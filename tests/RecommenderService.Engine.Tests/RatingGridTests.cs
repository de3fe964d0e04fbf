namespace RecommenderService.Engine.Tests;

public sealed class RatingGridTests
{
    [Fact]
    public void Bands_are_runs_of_consecutive_ids_with_about_equal_ratings_even_when_activity_follows_the_id()
    {
        // User u rates u + 1 items and item i is rated more the lower its index: ids in order of activity, the case
        // where equal id counts per band would leave one band with most of the ratings.
        var builder = new RatingSetBuilder();
        for (var u = 0; u < 400; u++)
            for (var i = 0; i <= u % 120; i++)
                builder.Add($"u{u}", $"i{i}", 1 + (u + i) % 5);
        var ratings = builder.Build();
        const int size = 4;
        var grid = new RatingGrid(ratings, size);

        var userBand = new int[ratings.UserCount];
        var itemBand = new int[ratings.ItemCount];
        var perRowBand = new long[size];
        var perColumnBand = new long[size];
        for (var row = 0; row < size; row++)
            for (var column = 0; column < size; column++)
                foreach (var run in grid.BlockRuns(row, column))
                {
                    userBand[run.User] = row;
                    perRowBand[row] += run.Count;
                    perColumnBand[column] += run.Count;
                    for (var j = run.Start; j < run.Start + run.Count; j++) itemBand[grid.Items[j]] = column;
                }

        // Consecutive: the band never goes down along the ids (a shuffled assignment interleaves them in memory, and
        // two threads then write to the same cache lines of the per-row biases and accumulators).
        for (var u = 1; u < userBand.Length; u++) Assert.True(userBand[u] >= userBand[u - 1], $"user {u}");
        for (var i = 1; i < itemBand.Length; i++) Assert.True(itemBand[i] >= itemBand[i - 1], $"item {i}");
        // Balanced by ratings, not by ids: every band within a tenth of an equal share.
        var share = ratings.Count / (double)size;
        Assert.All(perRowBand, n => Assert.InRange(n, 0.9 * share, 1.1 * share));
        Assert.All(perColumnBand, n => Assert.InRange(n, 0.9 * share, 1.1 * share));
        Assert.Equal(ratings.Count, perRowBand.Sum());
    }
}
