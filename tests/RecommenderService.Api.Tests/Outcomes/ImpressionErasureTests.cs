using RecommenderService.Api.Privacy;
using RecommenderService.Api.Tests.Observability;
using RecommenderService.Engine;

namespace RecommenderService.Api.Tests.Outcomes;

/// <summary>A list served to a user who is erased before its impression is written is never stored.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ImpressionErasureTests(PostgresFixture postgres) : TrainedServiceTests(postgres)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    // The writer gathers for 3 s: the erasure lands while the list is still queued.
    protected override Dictionary<string, string?> Settings => new() { ["RateLimiting:Enabled"] = "false", ["Outcomes:FlushMilliseconds"] = "3000" };

    protected override RatingSet Seed() => TestData.PlantedRatings(seed: 17);

    [Fact]
    public async Task A_list_still_queued_when_its_user_is_erased_is_not_written()
    {
        var (erased, kept) = (Ratings.Users[0], Ratings.Users[1]);
        var before = (await MetricsText.ScrapeAsync(Client))[Erased];
        var erasedList = await ServeAsync(erased);
        var keptList = await ServeAsync(kept);

        var erasure = await Admin.DeleteAsync($"/api/v1/users/{erased}");

        Assert.Equal(HttpStatusCode.NoContent, erasure.StatusCode);
        Assert.True(await Eventually.TrueWithinAsync(Deadline, async () => await ImpressionTests.ReadAsync(Factory.ConnectionString, keptList) is not null),
            "the other user's list was not written");
        Assert.Null(await ImpressionTests.ReadAsync(Factory.ConnectionString, erasedList));
        Assert.Equal(0, await TestData.ScalarAsync(Factory.ConnectionString, "SELECT count(*) FROM impressions WHERE user_id = $1", erased));
        Assert.Equal(1, (await MetricsText.ScrapeAsync(Client))[Erased] - before);
    }

    [Fact]
    public async Task A_list_being_written_when_its_user_is_erased_is_removed_by_the_erasure()
    {
        var user = Ratings.Users[2];
        Guid list;
        Task<HttpResponseMessage> erasure;
        await using (var connection = new NpgsqlConnection(Factory.ConnectionString))
        {
            await connection.OpenAsync();
            await using var block = await connection.BeginTransactionAsync();
            await using (var lockTable = new NpgsqlCommand("LOCK TABLE impressions IN SHARE MODE", connection, block))
                await lockTable.ExecuteNonQueryAsync();
            list = await ServeAsync(user);
            // The batch has passed its erasure check and waits to write; the erasure now waits for that batch.
            Assert.True(await Eventually.TrueWithinAsync(Deadline, WriterWaitsAsync), "the batch never reached its write");
            erasure = Admin.DeleteAsync($"/api/v1/users/{user}");
            Assert.True(await Eventually.TrueWithinAsync(Deadline, ErasureWaitsAsync), "the erasure did not wait for the batch");
            await block.RollbackAsync();
        }

        Assert.Equal(HttpStatusCode.NoContent, (await erasure).StatusCode);
        Assert.Null(await ImpressionTests.ReadAsync(Factory.ConnectionString, list));
        Assert.Equal(0, await TestData.ScalarAsync(Factory.ConnectionString, "SELECT count(*) FROM impressions WHERE user_id = $1", user));
    }

    [Fact]
    public async Task A_list_for_a_user_whose_erasure_this_replica_has_not_heard_of_is_not_written()
    {
        var (erased, kept) = (Ratings.Users[3], Ratings.Users[4]);
        var erasedList = await ServeAsync(erased);
        var keptList = await ServeAsync(kept);

        // Recorded as another replica's erasure is, but with no notice: only the database knows.
        var keyed = Factory.Services.GetRequiredService<KeyedIds>().Current;
        await using (var connection = new NpgsqlConnection(Factory.ConnectionString))
        {
            await connection.OpenAsync();
            await using var record = new NpgsqlCommand("INSERT INTO erased_users (external_id_hash, key_id, erased_at) VALUES ($1, $2, now())", connection);
            record.Parameters.Add(new NpgsqlParameter { Value = keyed.Hash(erased) });
            record.Parameters.Add(new NpgsqlParameter { Value = keyed.Id });
            await record.ExecuteNonQueryAsync();
        }

        Assert.True(await Eventually.TrueWithinAsync(Deadline, async () => await ImpressionTests.ReadAsync(Factory.ConnectionString, keptList) is not null),
            "the other user's list was not written");
        Assert.Null(await ImpressionTests.ReadAsync(Factory.ConnectionString, erasedList));
    }

    private const string Erased = "recommender_impressions_dropped_total{reason=\"erased\"}";

    private async Task<Guid> ServeAsync(string user)
    {
        var list = await Client.GetFromJsonAsync<JsonElement>($"/api/v1/users/{user}/recommendations?count=5");
        return Guid.Parse(list.GetProperty("recommendationId").GetString()!);
    }

    private Task<bool> WriterWaitsAsync() => WaitingAsync("relation", "COPY impressions%");

    private Task<bool> ErasureWaitsAsync() => WaitingAsync("advisory", "%pg_advisory_xact_lock(%");

    /// <summary>Whether a session of this database waits for a lock of <paramref name="type"/> in a statement like <paramref name="query"/>.</summary>
    private async Task<bool> WaitingAsync(string type, string query)
    {
        // A connection of its own: inside a transaction pg_stat_activity is read once and kept.
        await using var connection = new NpgsqlConnection(Factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE NOT l.granted AND l.locktype = $1 AND a.datname = current_database() AND a.query LIKE $2
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = type });
        command.Parameters.Add(new NpgsqlParameter { Value = query });
        return (long)(await command.ExecuteScalarAsync())! > 0;
    }
}
