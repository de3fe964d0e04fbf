using System.Net;
using System.Net.Http.Json;
using Npgsql;
using RecommenderService.Api.Tests.Infrastructure;
using static RecommenderService.Api.Tests.Ingest.IngestTestKit;

namespace RecommenderService.Api.Tests.Ingest;

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
        Assert.Equal("leaving", await received.Task);
    }
}
