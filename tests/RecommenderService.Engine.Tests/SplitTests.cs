namespace RecommenderService.Engine.Tests;

public sealed class SplitTests
{
    private static readonly RatingSet Ratings =
        SyntheticRatings.Generate(new SyntheticRatingsOptions { Users = 200, Items = 100, Ratings = 4000, Seed = 5 });

    /// <summary>Each rating as (user, item, time): generated data has no repeated pair, so this identifies a row.</summary>
    private static HashSet<(int, int)> Keys(RatingSet set) =>
        Enumerable.Range(0, set.Count).Select(r => (set.User[r], set.Item[r])).ToHashSet();

    private static void AssertPartition(RatingSet all, DataSplit split)
    {
        var train = Keys(split.Train);
        var test = Keys(split.Test);
        Assert.Equal(split.Train.Count, train.Count);
        Assert.Equal(split.Test.Count, test.Count);
        Assert.Empty(train.Intersect(test));
        Assert.True(Keys(all).SetEquals(train.Union(test)));
        Assert.Same(all.Users, split.Train.Users);
        Assert.Same(all.Items, split.Test.Items);
    }

    [Fact]
    public void Holdout_is_a_partition_with_the_numpy_permutation_prefix_as_test()
    {
        var split = RandomSplit.Holdout(Ratings, 0.2, 42);
        AssertPartition(Ratings, split);
        Assert.Equal(800, split.Test.Count);
        var expected = new NumpyRandomState(42).Permutation(Ratings.Count)[..800];
        Assert.Equal(expected.Select(r => Ratings.Item[r]), split.Test.Item);
        Assert.Equal(expected.Select(r => Ratings.User[r]), split.Test.User);
    }

    [Fact]
    public void Holdout_of_100000_ratings_at_20_percent_has_20000_test_ratings() =>
        Assert.Equal(20_000, RandomSplit.TestCount(100_000, 0.2));

    [Fact]
    public void Splits_are_deterministic_for_a_seed_and_differ_between_seeds()
    {
        Assert.Equal(RandomSplit.Holdout(Ratings, 0.2, 1).Test.Item, RandomSplit.Holdout(Ratings, 0.2, 1).Test.Item);
        Assert.NotEqual(RandomSplit.Holdout(Ratings, 0.2, 1).Test.Item, RandomSplit.Holdout(Ratings, 0.2, 2).Test.Item);
        Assert.Equal(PerUserSplit.Split(Ratings, 0.25, 9).Test.Item, PerUserSplit.Split(Ratings, 0.25, 9).Test.Item);
    }

    [Fact]
    public void Kfold_test_parts_are_disjoint_cover_everything_and_each_fold_is_a_partition()
    {
        var folds = KFoldSplit.Split(Ratings, 3, 42);
        Assert.Equal([1334, 1333, 1333], folds.Select(f => f.Test.Count));
        var seen = new HashSet<(int, int)>();
        foreach (var fold in folds)
        {
            AssertPartition(Ratings, fold);
            foreach (var key in Keys(fold.Test)) Assert.True(seen.Add(key));
        }
        Assert.Equal(Ratings.Count, seen.Count);
    }

    [Fact]
    public void Per_user_split_holds_out_about_a_quarter_of_each_user_and_keeps_one_in_training()
    {
        var split = PerUserSplit.Split(Ratings, 0.25, 42);
        AssertPartition(Ratings, split);
        var total = Ratings.User.CountBy(u => u).ToDictionary();
        var held = split.Test.User.CountBy(u => u).ToDictionary();
        foreach (var (user, n) in total)
        {
            var expected = Math.Min((int)Math.Round(n * 0.25, MidpointRounding.AwayFromZero), n - 1);
            Assert.Equal(expected, held.GetValueOrDefault(user));
        }
    }

    [Fact]
    public void Leave_last_out_holds_out_each_users_newest_rating()
    {
        var split = PerUserSplit.LeaveLastOut(Ratings);
        AssertPartition(Ratings, split);
        Assert.Equal(Ratings.User.Distinct().Count(), split.Test.Count);
        for (var r = 0; r < split.Test.Count; r++)
        {
            var u = split.Test.User[r];
            var newestTrain = Enumerable.Range(0, split.Train.Count).Where(t => split.Train.User[t] == u).Max(t => split.Train.Time[t]);
            Assert.True(split.Test.Time[r] >= newestTrain);
        }
    }

    [Fact]
    public void A_user_holdout_holds_every_rating_of_a_seeded_share_of_users_out()
    {
        var ratings = SyntheticRatings.Generate(new SyntheticRatingsOptions { Users = 200, Items = 100, Ratings = 4_000, Seed = 2 });

        var (train, test) = UserHoldoutSplit.Split(ratings, 0.2, seed: 42);
        var again = UserHoldoutSplit.Split(ratings, 0.2, seed: 42);

        var heldOut = test.User.ToHashSet();
        Assert.Equal(40, heldOut.Count);
        Assert.DoesNotContain(train.User, heldOut.Contains);
        Assert.Equal(ratings.Count, train.Count + test.Count);
        Assert.Equal(test.User, again.Test.User);
        Assert.NotEqual(heldOut, UserHoldoutSplit.Split(ratings, 0.2, seed: 7).Test.User.ToHashSet());
    }
}
