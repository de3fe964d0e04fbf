using RecommenderService.Api.Items;
using RecommenderService.Api.Users;

namespace RecommenderService.Api.Tests.Users;

/// <summary>
/// A user's ratings are read from the ratings table alone, their items named through the replica's in-memory
/// directory of item ids (<see cref="ItemExternalIds"/>); items created after the directory was read are found too.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class UserRatingsReadTests(PostgresFixture postgres) : ServiceTests(postgres)
{
    [Fact]
    public async Task A_users_ratings_name_their_items_including_items_created_after_the_first_read()
    {
        var cache = Factory.Services.GetRequiredService<UserRatingsCache>();
        await PutAsync("reader-1", "item-a", 4);
        await PutAsync("reader-1", "item-b", 2);
        await PutAsync("reader-2", "item-a", 5);

        var first = await cache.GetAsync("reader-1", CancellationToken.None);
        Assert.Equal(new Dictionary<string, float> { ["item-a"] = 4, ["item-b"] = 2 }, Ratings(first));

        // New items after the directory was read: a write invalidates the user, the next read names them.
        await PutAsync("reader-1", "item-c", 3);
        await PutAsync("reader-2", "item-d", 1);
        await PutAsync("reader-2", "item-c", 5);
        var second = await cache.GetAsync("reader-1", CancellationToken.None);
        var other = await cache.GetAsync("reader-2", CancellationToken.None);

        Assert.Equal(new Dictionary<string, float> { ["item-a"] = 4, ["item-b"] = 2, ["item-c"] = 3 }, Ratings(second));
        Assert.Equal(new Dictionary<string, float> { ["item-a"] = 5, ["item-c"] = 5, ["item-d"] = 1 }, Ratings(other));
        // Every cached user shares one id string per item.
        Assert.Same(second.ItemIds[Array.IndexOf(second.ItemIds, "item-c")], other.ItemIds[Array.IndexOf(other.ItemIds, "item-c")]);
    }

    [Fact]
    public async Task A_user_without_ratings_and_an_unknown_user_read_as_such()
    {
        await PutAsync("reader-3", "item-e", 4);
        (await Client.DeleteAsync("/api/v1/users/reader-3/ratings/item-e")).EnsureSuccessStatusCode();
        var cache = Factory.Services.GetRequiredService<UserRatingsCache>();

        var emptied = await cache.GetAsync("reader-3", CancellationToken.None);
        var unknown = await cache.GetAsync("nobody-here", CancellationToken.None);

        Assert.Equal(0, emptied.Count);
        Assert.NotNull(emptied.ChangedAt);
        Assert.Equal(0, unknown.Count);
        Assert.Null(unknown.ChangedAt);
    }

    private static Dictionary<string, float> Ratings(UserRatings user) =>
        user.ItemIds.Zip(user.Values).ToDictionary(p => p.First, p => p.Second);

    private async Task PutAsync(string user, string item, double rating) =>
        (await Client.PutAsJsonAsync($"/api/v1/users/{user}/ratings/{item}", new { rating })).EnsureSuccessStatusCode();
}
