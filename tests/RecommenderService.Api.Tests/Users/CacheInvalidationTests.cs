using RecommenderService.Api.Users;

namespace RecommenderService.Api.Tests.Users;

/// <summary>
/// Two replicas on one database: a write drops exactly its users' cached ratings everywhere, whatever the
/// user ids look like and however many users one write touches.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CacheInvalidationTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> Settings = new() { ["RateLimiting:Enabled"] = "false" };
    private static readonly TimeSpan NoticeDeadline = TimeSpan.FromSeconds(5);

    private RecommenderApiFactory _replicaA = null!;
    private RecommenderApiFactory _replicaB = null!;

    public async Task InitializeAsync()
    {
        var database = await postgres.CreateDatabaseAsync();
        _replicaA = new RecommenderApiFactory(database, Settings);
        _replicaB = new RecommenderApiFactory(database, Settings);
        _replicaA.CreateClient();
        _replicaB.CreateClient();
        var ratings = Enumerable.Range(1, 40).Select(u => new { userId = $"old-{u}", itemId = $"i{u % 7}", rating = 1 + u % 5 });
        (await _replicaA.CreateClientAsClient().PostAsJsonAsync("/api/v1/ratings/batch", new { ratings })).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        await _replicaA.DisposeAsync();
        await _replicaB.DisposeAsync();
    }

    [Fact]
    public async Task A_user_named_star_rating_something_leaves_other_users_cache_entries_alone()
    {
        var bystanders = Enumerable.Range(1, 10).Select(u => $"old-{u}").ToArray();
        await WarmAsync(_replicaA, [.. bystanders, "*"]);
        await WarmAsync(_replicaB, [.. bystanders, "*"]);

        var write = await _replicaA.CreateClientAsClient().PutAsJsonAsync("/api/v1/users/*/ratings/i1", new { rating = 4 });
        write.EnsureSuccessStatusCode();
        var heard = await Eventually.TrueWithinAsync(NoticeDeadline, () => !Cache(_replicaB).IsCached("*"));

        Assert.True(heard, "replica B never dropped the writing user '*'");
        Assert.False(Cache(_replicaA).IsCached("*"));
        Assert.All(bystanders, user => Assert.True(Cache(_replicaB).IsCached(user), $"replica B dropped bystander {user}"));
        Assert.All(bystanders, user => Assert.True(Cache(_replicaA).IsCached(user), $"replica A dropped bystander {user}"));
    }

    [Fact]
    public async Task A_batch_of_5000_users_drops_exactly_those_users_on_the_other_replica()
    {
        var batchUsers = Enumerable.Range(1, 5000).Select(u => $"batch-{u}").ToArray();
        // Some of the batch's users are known already (cached with their old ratings), most are new
        // (cached as unknown): both kinds must be dropped.
        var known = Enumerable.Range(11, 10).Select(u => $"old-{u}").ToArray();
        var watched = batchUsers.Take(20).Concat(known).ToArray();
        var bystanders = Enumerable.Range(21, 20).Select(u => $"old-{u}").ToArray();
        await WarmAsync(_replicaA, [.. watched, .. bystanders]);
        await WarmAsync(_replicaB, [.. watched, .. bystanders]);

        var ratings = batchUsers.Concat(known).Select((user, k) => new { userId = user, itemId = $"i{k % 50}", rating = 1 + k % 5 });
        var write = await _replicaA.CreateClientAsClient().PostAsJsonAsync("/api/v1/ratings/batch", new { ratings });
        write.EnsureSuccessStatusCode();
        var heard = await Eventually.TrueWithinAsync(NoticeDeadline, () => watched.All(user => !Cache(_replicaB).IsCached(user)));

        Assert.True(heard, "replica B kept some of the batch's users: " + string.Join(", ", watched.Where(u => Cache(_replicaB).IsCached(u))));
        Assert.All(watched, user => Assert.False(Cache(_replicaA).IsCached(user), $"replica A kept batch user {user}"));
        Assert.All(bystanders, user => Assert.True(Cache(_replicaB).IsCached(user), $"replica B dropped bystander {user}"));
        Assert.All(bystanders, user => Assert.True(Cache(_replicaA).IsCached(user), $"replica A dropped bystander {user}"));
        // And B serves the batch's ratings, not the remembered "unknown" (fresh read after the drop).
        var list = await _replicaB.CreateClientAsClient().GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/users/batch-3/ratings");
        Assert.Equal(1, list.GetProperty("items").GetArrayLength());
    }

    private static UserRatingsCache Cache(RecommenderApiFactory replica) => replica.Services.GetRequiredService<UserRatingsCache>();

    /// <summary>
    /// Reads each user's recommendations, which caches their ratings on that replica. A read that overlaps
    /// an invalidation (the set-up batch's notices may still be arriving) is served but not cached, so read
    /// again until it is.
    /// </summary>
    private static async Task WarmAsync(RecommenderApiFactory replica, string[] users)
    {
        var client = replica.CreateClientAsClient();
        foreach (var user in users)
        {
            var cached = await Eventually.TrueWithinAsync(NoticeDeadline, async () =>
            {
                (await client.GetAsync($"/api/v1/users/{Uri.EscapeDataString(user)}/recommendations")).EnsureSuccessStatusCode();
                return Cache(replica).IsCached(user);
            });
            Assert.True(cached, $"{user} was not cached by the warm-up");
        }
    }
}
