namespace RecommenderService.Engine.Tests;

public sealed class NumpyRandomStateTests
{
    [Fact]
    public void Permutation_of_10_with_seed_42_matches_numpy()
    {
        // numpy.random.RandomState(42).permutation(10)
        Assert.Equal([8, 1, 5, 0, 7, 2, 9, 4, 3, 6], new NumpyRandomState(42).Permutation(10));
    }

    [Fact]
    public void First_random_sample_with_seed_42_matches_numpy()
    {
        // numpy.random.RandomState(42).random_sample()
        Assert.Equal(0.3745401188473625, new NumpyRandomState(42).NextDouble());
    }

    [Fact]
    public void First_raw_output_with_seed_5489_matches_the_mt19937_reference()
    {
        // mt19937ar.c seeded by init_genrand(5489) starts with 3499211612.
        Assert.Equal(3499211612u, new NumpyRandomState(5489).NextUInt32());
    }

    [Fact]
    public void Bounded_integers_stay_in_range_and_permutations_are_permutations()
    {
        var random = new NumpyRandomState(7);
        for (var k = 0; k < 1000; k++) Assert.InRange(random.NextInterval(5), 0u, 5u);
        var p = new NumpyRandomState(1).Permutation(1000);
        Assert.Equal(Enumerable.Range(0, 1000), p.Order());
    }
}
