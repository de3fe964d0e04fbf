using static RecommenderService.Api.Tests.Ratings.IngestTestKit;

namespace RecommenderService.Api.Tests.Ratings;

/// <summary>
/// A rating write that races the erasure of its item: an acknowledged write is committed, and one that finds its
/// item erased is refused with a 409 and stores nothing. The race is driven, not hoped for: the test holds the
/// writer's user row, so the writer has checked the item and waits while the erasure runs and commits. An import
/// goes by integer keys it resolved before: no rating it stores may be left naming an erased item.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RatingsDuringItemErasureTests(PostgresFixture postgres) : IAsyncLifetime
{
    private RecommenderApiFactory _factory = null!;
    private HttpClient _client = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _factory = await RecommenderApiFactory.CreateAsync(postgres, UserTokens.Settings(new()
        {
            ["RateLimiting:Enabled"] = "false",
            // Imports of more than two lines are staged chunk by chunk, so one can be held between two chunks.
            ["Ingest:ImportChunkRows"] = "2",
        }));
        _client = _factory.CreateClientAsClient();
        _admin = _factory.CreateClientAsAdmin();
        // ada exists (she rated another film); bob rated the film that will be erased.
        (await PutRatingAsync(_client, "ada", "other-film", new { rating = 3 })).EnsureSuccessStatusCode();
        (await PutRatingAsync(_client, "bob", "film", new { rating = 4 })).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task A_rating_whose_item_is_erased_while_it_is_written_is_refused_and_not_stored()
    {
        var ada = UserTokens.ClientFor(_factory, UserTokens.For("ada"));
        HttpResponseMessage response;
        await using (var held = await HoldUserAsync("ada"))
        {
            var writing = PutRatingAsync(ada, "ada", "film", new { rating = 5 });
            await held.WaitForWaiterAsync();

            Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync("/api/v1/items/film")).StatusCode);
            await held.ReleaseAsync();
            response = await writing;
        }

        var problem = await AssertProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Contains("'film'", problem.GetProperty("detail").GetString());
        Assert.Null(await StoredRatingAsync(_factory, "ada", "film"));
        Assert.Equal(0, await CountAsync(_factory, "SELECT count(*) FROM items WHERE external_id = 'film'"));
        Assert.Equal(1, await RatingCountAsync(_factory)); // ada's other rating
    }

    [Fact]
    public async Task A_batch_with_a_rating_of_an_item_erased_while_it_is_written_stores_nothing()
    {
        var ada = UserTokens.ClientFor(_factory, UserTokens.For("ada"));
        HttpResponseMessage response;
        await using (var held = await HoldUserAsync("ada"))
        {
            var writing = ada.PostAsJsonAsync("/api/v1/ratings/batch", new
            {
                ratings = new[]
                {
                    new { userId = "ada", itemId = "other-film", rating = 1 },
                    new { userId = "ada", itemId = "film", rating = 5 },
                },
            });
            await held.WaitForWaiterAsync();

            Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync("/api/v1/items/film")).StatusCode);
            await held.ReleaseAsync();
            response = await writing;
        }

        var problem = await AssertProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Contains("'film'", problem.GetProperty("detail").GetString());
        Assert.Null(await StoredRatingAsync(_factory, "ada", "film"));
        Assert.Equal(3f, (await StoredRatingAsync(_factory, "ada", "other-film"))?.Value);
    }

    [Fact]
    public async Task A_client_rating_that_waits_out_the_erasure_of_its_item_creates_the_item_anew()
    {
        HttpResponseMessage response;
        await using (var held = await HoldUserAsync("ada"))
        {
            var writing = PutRatingAsync(_client, "ada", "film", new { rating = 5 });
            await held.WaitForWaiterAsync();

            Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync("/api/v1/items/film")).StatusCode);
            await held.ReleaseAsync();
            response = await writing;
        }

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(5f, (await StoredRatingAsync(_factory, "ada", "film"))?.Value);
        Assert.Null(await StoredRatingAsync(_factory, "bob", "film"));
    }

    [Fact]
    public async Task An_import_that_resolved_an_item_before_its_erasure_leaves_no_rating_of_the_erased_item()
    {
        // The first chunk resolves 'film' to its key; the second waits on ada's row while the erasure is asked for.
        var csv = "carl,film,4\ncarl,other-film,2\nada,third-film,5\n";
        HttpResponseMessage imported, erasure;
        await using (var held = await HoldUserAsync("ada"))
        {
            var importing = _admin.PostAsync("/api/v1/ratings/import", new StringContent(csv, Encoding.UTF8, "text/csv"));
            await held.WaitForWaiterAsync();
            var erasing = _admin.DeleteAsync("/api/v1/items/film");
            // Either the erasure is done, or it waits for the import (the order under test is then import first).
            Assert.True(await Eventually.TrueWithinAsync(TimeSpan.FromSeconds(10), async () =>
                erasing.IsCompleted || await CountAsync(_factory, """
                    SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'DELETE FROM items%'
                    """) > 0), "the erasure neither finished nor waited");
            await held.ReleaseAsync();
            imported = await importing;
            erasure = await erasing;
        }

        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, erasure.StatusCode);
        Assert.Equal(0, await CountAsync(_factory, "SELECT count(*) FROM ratings r WHERE NOT EXISTS (SELECT 1 FROM items i WHERE i.id = r.item_id)"));
        Assert.Equal(0, await CountAsync(_factory, "SELECT count(*) FROM items WHERE external_id = 'film'"));
        Assert.Equal(2f, (await StoredRatingAsync(_factory, "carl", "other-film"))?.Value);
        Assert.Equal(5f, (await StoredRatingAsync(_factory, "ada", "third-film"))?.Value);
    }

    /// <summary>Locks a user's row in a transaction of the test's own, as a concurrent writer of that user would.</summary>
    private async Task<HeldRow> HoldUserAsync(string userId)
    {
        var connection = new NpgsqlConnection(_factory.ConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand("SELECT id FROM users WHERE external_id = $1 FOR UPDATE", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = userId });
        Assert.NotNull(await command.ExecuteScalarAsync());
        return new HeldRow(_factory.ConnectionString, connection, transaction);
    }

    private sealed class HeldRow(string connectionString, NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        /// <summary>Returns once another session waits for this one's lock: the writer is past its checks and blocked.</summary>
        public async Task WaitForWaiterAsync()
        {
            await using var probe = new NpgsqlConnection(connectionString);
            await probe.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))", probe);
            command.Parameters.Add(new NpgsqlParameter { Value = connection.ProcessID });
            Assert.True(await Eventually.TrueWithinAsync(TimeSpan.FromSeconds(10), async () => (long)(await command.ExecuteScalarAsync())! > 0),
                "no session came to wait for the held row");
        }

        public Task ReleaseAsync() => transaction.RollbackAsync();

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
