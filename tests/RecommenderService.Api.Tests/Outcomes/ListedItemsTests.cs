using RecommenderService.Api.Outcomes.Impressions;
using RecommenderService.Api.Validation;

namespace RecommenderService.Api.Tests.Outcomes;

/// <summary>A queued impression's items: held inline up to the default list length, kept as served beyond it.</summary>
public sealed class ListedItemsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(ListLimits.DefaultCount)]
    [InlineData(ListLimits.DefaultCount + 1)]
    [InlineData(ListLimits.MaxCount)]
    public void Listed_items_give_back_every_id_in_order(int count)
    {
        var served = Enumerable.Range(0, count).Select(k => $"item-{k}").ToArray();

        var listed = ListedItems.Of(served);

        Assert.Equal(count, listed.Count);
        Assert.Equal(served, Enumerable.Range(0, listed.Count).Select(k => listed[k]));
        Assert.Throws<ArgumentOutOfRangeException>(() => listed[count]);
    }

    [Fact]
    public void A_short_list_does_not_depend_on_the_array_it_was_served_from()
    {
        var served = new[] { "a", "b", "c" };

        var listed = ListedItems.Of(served);
        served[0] = "changed";

        Assert.Equal(["a", "b", "c"], Enumerable.Range(0, listed.Count).Select(k => listed[k]));
    }
}
