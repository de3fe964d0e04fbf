namespace RecommenderService.Engine.Tests;

public sealed class RatingSetBuilderTests
{
    [Fact]
    public void A_builder_filled_to_its_capacity_hands_over_its_arrays_as_the_rating_set()
    {
        var builder = new RatingSetBuilder(2);
        builder.Add("ann", "film", 4f, 10);
        builder.Add("bob", "film", 2f, 20);

        var first = builder.Build();
        var second = builder.Build();

        Assert.Equal([0, 1], first.User);
        Assert.Equal([4f, 2f], first.Value);
        Assert.Equal([10L, 20L], first.Time);
        // No copy of the ratings at the peak: both sets are views of the builder's own arrays.
        Assert.Same(first.User, second.User);
    }

    [Fact]
    public void A_builder_that_grew_or_was_not_filled_builds_a_set_of_exactly_its_ratings()
    {
        var grown = new RatingSetBuilder(0);
        var partial = new RatingSetBuilder(8);
        for (var r = 0; r < 5; r++)
        {
            grown.Add($"u{r}", "film", r + 1, r);
            partial.Add($"u{r}", "film", r + 1, r);
        }

        Assert.Equal([1f, 2f, 3f, 4f, 5f], grown.Build().Value);
        Assert.Equal([1f, 2f, 3f, 4f, 5f], partial.Build().Value);
        Assert.Equal(5, partial.Build().Time.Length);
    }
}
