using static RecommenderService.Api.Tests.Ratings.IngestTestKit;

namespace RecommenderService.Api.Tests.Users;

/// <summary>DELETE /api/v1/users/{userId}: admin erasure of a user and their ratings.</summary>
[Collection(PostgresCollection.Name)]
public sealed class UserDeletionTests(PostgresFixture postgres) : IAsyncLifetime
{
    private RecommenderApiFactory _factory = null!;

    public async Task InitializeAsync()
    {
        _factory = await CreateFactoryAsync(postgres);
        var client = _factory.CreateClientAsClient();
        (await client.PostAsJsonAsync("/api/v1/ratings/batch", new
        {
            ratings = new object[]
            {
                new { userId = "leaving", itemId = "i1", rating = 4 },
                new { userId = "leaving", itemId = "i2", rating = 2 },
                new { userId = "staying", itemId = "i1", rating = 5 },
            },
        })).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Deleting_a_user_erases_them_and_all_their_ratings_only()
    {
        var response = await _factory.CreateClientAsAdmin().DeleteAsync("/api/v1/users/leaving");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(0, await CountAsync(_factory, "SELECT count(*) FROM users WHERE external_id = 'leaving'"));
        Assert.Equal(1, await RatingCountAsync(_factory));
        Assert.NotNull(await StoredRatingAsync(_factory, "staying", "i1"));
        Assert.Equal(2, await CountAsync(_factory, "SELECT count(*) FROM items"));
    }

    [Fact]
    public async Task A_user_deleted_while_their_ratings_are_written_never_leaves_orphan_ratings()
    {
        // ratings has no foreign key to users (it halved the cost of bulk writes): the writers keep this.
        var client = _factory.CreateClientAsClient();
        var admin = _factory.CreateClientAsAdmin();
        var users = Enumerable.Range(0, 4).Select(u => $"racer-{u}").ToArray();
        var writers = Enumerable.Range(0, 6).Select(writer => Task.Run(async () =>
        {
            var random = new Random(writer);
            var codes = new List<HttpStatusCode>();
            for (var round = 0; round < 30; round++)
            {
                var rows = Enumerable.Range(0, 50)
                    .Select(_ => (User: users[random.Next(users.Length)], Item: $"item-{random.Next(40)}", Rating: 1 + random.Next(5)))
                    .ToList();
                var response = (writer % 3) switch
                {
                    0 => await client.PostAsJsonAsync("/api/v1/ratings/batch", new { ratings = rows.Select(r => new { userId = r.User, itemId = r.Item, rating = r.Rating }) }),
                    1 => await PutRatingAsync(client, rows[0].User, rows[0].Item, new { rating = rows[0].Rating }),
                    _ => await admin.PostAsync("/api/v1/ratings/import",
                        new StringContent(string.Concat(rows.Select(r => $"{r.User},{r.Item},{r.Rating}\n")), System.Text.Encoding.UTF8, "text/csv")),
                };
                codes.Add(response.StatusCode);
            }
            return codes;
        }));
        var deleter = Task.Run(async () =>
        {
            var random = new Random(99);
            var codes = new List<HttpStatusCode>();
            for (var round = 0; round < 60; round++)
                codes.Add((await admin.DeleteAsync($"/api/v1/users/{users[random.Next(users.Length)]}")).StatusCode);
            return codes;
        });

        var written = (await Task.WhenAll(writers)).SelectMany(c => c).ToList();
        var deleted = await deleter;

        Assert.All(written, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.Created, $"write status {s}"));
        Assert.All(deleted, s => Assert.True(s is HttpStatusCode.NoContent or HttpStatusCode.NotFound, $"delete status {s}"));
        Assert.Contains(HttpStatusCode.NoContent, deleted);
        Assert.Equal(0, await CountAsync(_factory, "SELECT count(*) FROM ratings r LEFT JOIN users u ON u.id = r.user_id WHERE u.id IS NULL"));
    }

    [Fact]
    public async Task Deleting_an_unknown_user_is_a_404_problem()
    {
        await AssertProblemAsync(await _factory.CreateClientAsAdmin().DeleteAsync("/api/v1/users/nobody"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_client_key_may_not_delete_users()
    {
        var response = await _factory.CreateClientAsClient().DeleteAsync("/api/v1/users/leaving");

        await AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(3, await RatingCountAsync(_factory));
    }

    [Fact]
    public async Task Without_a_key_deleting_is_401()
    {
        await AssertProblemAsync(await _factory.CreateClientWithKey(null).DeleteAsync("/api/v1/users/leaving"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Deleting_a_user_notifies_listeners()
    {
        await using var listener = new NpgsqlConnection(_factory.ConnectionString);
        await listener.OpenAsync();
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        listener.Notification += (_, e) => received.TrySetResult(e.Payload);
        await new NpgsqlCommand("LISTEN rating_changes", listener).ExecuteNonQueryAsync();

        (await _factory.CreateClientAsAdmin().DeleteAsync("/api/v1/users/leaving")).EnsureSuccessStatusCode();

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!received.Task.IsCompleted) await listener.WaitAsync(deadline.Token);
        Assert.Equal("[\"leaving\"]", await received.Task);
    }
}
