namespace RecommenderService.Engine.Tests;

/// <summary>The users whose ratings the penalty search trains its candidates on when the data is large.</summary>
public sealed class SearchSampleTests
{
    private static RatingSet Ratings() => SyntheticRatings.Generate(new SyntheticRatingsOptions
    {
        Users = 2_000, Items = 600, Ratings = 60_000, Seed = 5,
    });

    [Fact]
    public void Data_within_the_limit_is_searched_whole()
    {
        var ratings = Ratings();

        Assert.Same(ratings, SearchSample.Of(ratings, ratings.Count, seed: 1));
        Assert.Same(ratings, SearchSample.Of(ratings, 0, seed: 1));
    }

    [Fact]
    public void Beyond_the_limit_the_sample_is_whole_users_holding_about_the_limit()
    {
        var ratings = Ratings();
        var perUser = ratings.User.CountBy(u => u).ToDictionary();

        var sample = SearchSample.Of(ratings, 15_000, seed: 1);

        var sampled = sample.User.CountBy(u => u).ToDictionary();
        // Every sampled user brings all of their ratings, and the sample stops at the first user past the limit.
        Assert.All(sampled, pair => Assert.Equal(perUser[pair.Key], pair.Value));
        Assert.InRange(sample.Count, 15_000, 15_000 + perUser.Values.Max() - 1);
        Assert.Same(ratings.Users, sample.Users);
        Assert.Same(ratings.Items, sample.Items);
    }

    [Fact]
    public void The_sample_follows_the_seed()
    {
        var ratings = Ratings();

        var first = SearchSample.Of(ratings, 15_000, seed: 1);
        var again = SearchSample.Of(ratings, 15_000, seed: 1);
        var other = SearchSample.Of(ratings, 15_000, seed: 2);

        Assert.Equal(first.User, again.User);
        Assert.NotEqual(first.User.Distinct().Order(), other.User.Distinct().Order());
    }
}
