namespace RecommenderService.Engine.Tests;

public sealed class SyntheticRatingsTests
{
    private static readonly SyntheticRatingsOptions Small = new() { Users = 300, Items = 120, Ratings = 9000, Seed = 11 };

    [Fact]
    public void Same_seed_gives_identical_ratings_and_another_seed_does_not()
    {
        var a = SyntheticRatings.Generate(Small);
        var b = SyntheticRatings.Generate(Small);
        var c = SyntheticRatings.Generate(Small with { Seed = 12 });
        Assert.Equal(a.User, b.User);
        Assert.Equal(a.Item, b.Item);
        Assert.Equal(a.Value, b.Value);
        Assert.Equal(a.Time, b.Time);
        Assert.NotEqual(a.Item, c.Item);
    }

    [Fact]
    public void Generates_exactly_the_requested_count_with_no_repeated_pair_on_the_one_to_five_scale()
    {
        var set = SyntheticRatings.Generate(Small);
        Assert.Equal(9000, set.Count);
        Assert.Equal(set.Count, Enumerable.Range(0, set.Count).Select(r => (set.User[r], set.Item[r])).Distinct().Count());
        Assert.All(set.Value, v => Assert.True(v is >= 1 and <= 5 && v == MathF.Round(v)));
        Assert.All(set.Time, t => Assert.True(t > 1_000_000_000));
    }

    [Fact]
    public void Item_popularity_is_skewed_and_user_activity_varies()
    {
        var set = SyntheticRatings.Generate(new SyntheticRatingsOptions { Users = 2000, Items = 1000, Ratings = 60_000, Seed = 1 });
        var itemCounts = set.Item.CountBy(i => i).Select(p => p.Value).Order().ToArray();
        var userCounts = set.User.CountBy(u => u).Select(p => p.Value).Order().ToArray();
        Assert.True(itemCounts[^1] > 10 * itemCounts[itemCounts.Length / 2], "the most popular item should dwarf the median one");
        Assert.True(userCounts[^1] > 4 * userCounts[userCounts.Length / 2], "the most active user should dwarf the median one");
    }

    [Fact]
    public void Planted_structure_lets_biases_beat_the_global_mean()
    {
        var set = SyntheticRatings.Generate(new SyntheticRatingsOptions { Users = 500, Items = 200, Ratings = 20_000, Seed = 2 });
        var split = RandomSplit.Holdout(set, 0.2);
        var mean = Evaluation.Evaluate(GlobalMeanBaseline.Fit(split.Train, RatingScale.OneToFive), split.Train, split.Test);
        var biases = Evaluation.Evaluate(BiasBaseline.Fit(split.Train, RatingScale.OneToFive), split.Train, split.Test);
        Assert.True(biases.Rmse < mean.Rmse - 0.05, $"biases {biases.Rmse} vs mean {mean.Rmse}");
    }

    [Fact]
    public void Asking_for_more_ratings_than_fit_is_refused()
    {
        Assert.Throws<ArgumentException>(() => SyntheticRatings.Generate(new SyntheticRatingsOptions { Users = 10, Items = 10, Ratings = 60 }));
    }
}
