using RecommenderService.Api.Users;

namespace RecommenderService.Api.Tests.Users;

/// <summary>
/// <see cref="UserRatingsCache.WarmAsync"/>: every user's ratings read in one pass, equal to what a per-user read gives,
/// and never cached stale when a user's ratings change (or the cache is cleared) while the pass runs.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class UserCacheWarmTests(PostgresFixture postgres) : ServiceTests(postgres)
{
    [Fact]
    public async Task The_pass_caches_every_user_with_ratings_as_a_per_user_read_reads_them_once_until_cleared()
    {
        var cache = Factory.Services.GetRequiredService<UserRatingsCache>();
        await PutAsync("warm-1", "w-a", 4);
        await PutAsync("warm-1", "w-b", 2.5);
        await PutAsync("warm-2", "w-b", 5);
        await PutAsync("warm-3", "w-c", 1);
        (await Client.DeleteAsync("/api/v1/users/warm-3/ratings/w-c")).EnsureSuccessStatusCode();
        await SettleAsync(cache, "warm-1", "warm-2");
        cache.Clear();

        var cached = await cache.WarmAsync(CancellationToken.None);

        Assert.True(cache.IsCached("warm-1"));
        Assert.True(cache.IsCached("warm-2"));
        Assert.False(cache.IsCached("warm-3")); // no ratings left: read on demand
        Assert.True(cached >= 2, $"{cached} users cached");
        var warmed = new[] { "warm-1", "warm-2" }.Select(u => cache.GetAsync(u, CancellationToken.None).AsTask().Result).ToArray();
        cache.Clear();
        var read = new[] { "warm-1", "warm-2" }.Select(u => cache.GetAsync(u, CancellationToken.None).AsTask().Result).ToArray();
        for (var u = 0; u < 2; u++)
        {
            Assert.Equal(Ratings(read[u]), Ratings(warmed[u]));
            Assert.Equal(read[u].ChangedAt, warmed[u].ChangedAt);
        }

        // Once warm it does not read again; a clear (a bulk import) makes the next load read again.
        Assert.True(await cache.WarmAsync(CancellationToken.None) > 0);
        Assert.Equal(0, await cache.WarmAsync(CancellationToken.None));
        cache.Clear();
        Assert.True(await cache.WarmAsync(CancellationToken.None) > 0);
    }

    [Fact]
    public async Task Loading_a_model_reads_its_users_ratings_ahead_so_their_first_lists_need_no_read()
    {
        var ratings = TestData.PlantedRatings(seed: 12);
        await TestData.InsertRatingsAsync(Factory.ConnectionString, ratings, DateTimeOffset.UtcNow.AddHours(-1));
        var model = TestData.Train(ratings);
        var cache = Factory.Services.GetRequiredService<UserRatingsCache>();
        cache.Clear();
        await TestData.StoreActiveModelAsync(Factory.ConnectionString, model, DateTimeOffset.UtcNow);

        var loader = Factory.Services.GetRequiredService<RecommenderService.Api.Model.Loading.ActiveModelLoader>();
        await loader.LoadActiveAsync(CancellationToken.None);
        // The load does not wait for the read-ahead (a rollout must not); it has started it.
        await loader.UsersReadAhead;

        var users = model.Users.Ids.Take(20).ToArray();
        Assert.All(users, user => Assert.True(cache.IsCached(user), $"{user} was not read ahead"));
        var response = await Client.GetAsync($"/api/v1/users/{users[0]}/recommendations?count=5");
        response.EnsureSuccessStatusCode();
        Assert.Contains("\"strategy\":\"model\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_model_load_does_not_wait_for_the_read_ahead()
    {
        var ratings = TestData.PlantedRatings(seed: 13);
        await TestData.InsertRatingsAsync(Factory.ConnectionString, ratings, DateTimeOffset.UtcNow.AddHours(-1));
        var model = TestData.Train(ratings);
        var cache = Factory.Services.GetRequiredService<UserRatingsCache>();
        var loader = Factory.Services.GetRequiredService<RecommenderService.Api.Model.Loading.ActiveModelLoader>();
        cache.Clear();

        // The read-ahead reads `ratings`; held behind a lock, it cannot finish. A load that waited for it (as it did
        // before: every rollout paid the pass, 3.6 s at 8.5M ratings) would not return either.
        var database = Factory.Services.GetRequiredService<NpgsqlDataSource>();
        await using var connection = await database.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE ratings IN ACCESS EXCLUSIVE MODE", connection, transaction))
            await lockTable.ExecuteNonQueryAsync();
        await TestData.StoreActiveModelAsync(Factory.ConnectionString, model, DateTimeOffset.UtcNow);

        var load = loader.LoadActiveAsync(CancellationToken.None);
        Assert.Same(load, await Task.WhenAny(load, Task.Delay(TimeSpan.FromSeconds(20))));
        Assert.Equal(model.Users.Count, (await load)!.Model.Users.Count);
        Assert.False(loader.UsersReadAhead.IsCompleted);

        await transaction.RollbackAsync();
        await loader.UsersReadAhead;
        Assert.True(cache.IsCached(model.Users.Ids[0]));
    }

    [Fact]
    public async Task A_user_invalidated_while_the_pass_runs_is_not_cached_by_it()
    {
        var cache = Factory.Services.GetRequiredService<UserRatingsCache>();
        await PutAsync("race-1", "r-a", 4);
        await PutAsync("race-2", "r-a", 3);
        await SettleAsync(cache, "race-1", "race-2");
        cache.Clear();

        // Hold the ratings table so the pass blocks after reading the users, invalidate a user then (as a rating change's
        // NOTIFY would), and let the pass go on: it reads that user's rows and must not keep them.
        var warm = await BlockedWarmAsync(cache, () => cache.Invalidate("race-1"));

        Assert.True(await warm > 0);
        Assert.False(cache.IsCached("race-1"));
        Assert.True(cache.IsCached("race-2"));
    }

    [Fact]
    public async Task A_clear_while_the_pass_runs_leaves_nothing_of_it_and_the_next_load_reads_again()
    {
        var cache = Factory.Services.GetRequiredService<UserRatingsCache>();
        await PutAsync("clear-1", "c-a", 4);
        await SettleAsync(cache, "clear-1");
        cache.Clear();

        var warm = await BlockedWarmAsync(cache, cache.Clear);

        await warm;
        Assert.False(cache.IsCached("clear-1"));
        Assert.True(await cache.WarmAsync(CancellationToken.None) > 0);
        Assert.True(cache.IsCached("clear-1"));
    }

    /// <summary>
    /// Waits until the writes' change notices (which reach the cache asynchronously and drop those users, as they should)
    /// have all arrived: until a pass warms <paramref name="users"/> and they stay.
    /// </summary>
    private static async Task SettleAsync(UserRatingsCache cache, params string[] users) =>
        Assert.True(await Eventually.TrueWithinAsync(TimeSpan.FromSeconds(30), async () =>
        {
            cache.Clear();
            await cache.WarmAsync(CancellationToken.None);
            await Task.Delay(200);
            return users.All(cache.IsCached);
        }), "the writes' notices never settled");

    /// <summary>Starts a warm pass behind a lock on <c>ratings</c>, runs <paramref name="meanwhile"/> once it waits, releases.</summary>
    private async Task<Task<int>> BlockedWarmAsync(UserRatingsCache cache, Action meanwhile)
    {
        var database = Factory.Services.GetRequiredService<NpgsqlDataSource>();
        await using var connection = await database.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE ratings IN ACCESS EXCLUSIVE MODE", connection, transaction))
            await lockTable.ExecuteNonQueryAsync();
        var warm = Task.Run(() => cache.WarmAsync(CancellationToken.None));
        await using (var waiting = new NpgsqlCommand(
                         "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'ratings' AND NOT l.granted",
                         connection, transaction))
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while ((long)(await waiting.ExecuteScalarAsync())! == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "the warm pass never waited on the ratings table");
                await Task.Delay(20);
            }
        }
        meanwhile();
        await transaction.CommitAsync();
        return warm;
    }

    private static Dictionary<string, float> Ratings(UserRatings user) =>
        user.ItemIds.Zip(user.Values).ToDictionary(p => p.First, p => p.Second);

    private async Task PutAsync(string user, string item, double rating) =>
        (await Client.PutAsJsonAsync($"/api/v1/users/{user}/ratings/{item}", new { rating })).EnsureSuccessStatusCode();
}
