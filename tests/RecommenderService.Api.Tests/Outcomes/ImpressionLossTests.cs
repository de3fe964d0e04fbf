using RecommenderService.Api.Tests.Observability;
using RecommenderService.Engine;

namespace RecommenderService.Api.Tests.Outcomes;

/// <summary>
/// Impressions queued by a process that ends before writing them are counted as dropped by the replica that finds the
/// process's ledger, whether it was killed or stopped.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ImpressionLossTests(PostgresFixture postgres) : TrainedServiceTests(postgres)
{
    private const int Lists = 25;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static readonly Dictionary<string, string> ProcessSettings = new()
    {
        ["RateLimiting:Enabled"] = "false",
        ["Outcomes:LedgerSeconds"] = "1",
        ["Serilog:MinimumLevel:Default"] = "Warning",
    };

    protected override Dictionary<string, string?> Settings => ProcessSettings.ToDictionary(p => p.Key, p => (string?)p.Value);

    protected override RatingSet Seed() => TestData.PlantedRatings(seed: 13);

    [Fact]
    public async Task Impressions_queued_by_a_killed_replica_are_counted_as_dropped_by_a_surviving_one()
    {
        await using var doomed = await ServiceProcess.StartAsync(Factory.ConnectionString, ProcessSettings);
        var before = (await MetricsText.ScrapeAsync(Client))[Crash];
        int written;
        await using (var block = await BlockImpressionWritesAsync())
        {
            await ServeListsAsync(doomed);
            Assert.True(await Eventually.TrueWithinAsync(Deadline, async () => await QueuedInLedgerAsync() == Lists),
                $"the ledger never showed {Lists} queued impressions\n{doomed.Tail}");

            doomed.Kill();
            written = await CountImpressionsAsync(block.Connection);
        }

        Assert.True(await Eventually.TrueWithinAsync(Deadline, async () => (await MetricsText.ScrapeAsync(Client))[Crash] - before == Lists),
            $"crash drops: {(await MetricsText.ScrapeAsync(Client))[Crash] - before}");
        Assert.Equal(0, written);
        Assert.Equal(0, await TestData.ScalarAsync(Factory.ConnectionString, "SELECT count(*) FROM impression_ledgers WHERE queued > 0"));
    }

    [Fact]
    public async Task Impressions_a_stopping_replica_could_not_write_in_time_are_counted_as_dropped_at_shutdown()
    {
        var settings = new Dictionary<string, string>(ProcessSettings) { ["shutdownTimeoutSeconds"] = "2" };
        await using var stopping = await ServiceProcess.StartAsync(Factory.ConnectionString, settings);
        var before = (await MetricsText.ScrapeAsync(Client))[Shutdown];
        await using (await BlockImpressionWritesAsync())
        {
            await ServeListsAsync(stopping);
            Assert.True(await Eventually.TrueWithinAsync(Deadline, async () => await QueuedInLedgerAsync() == Lists), stopping.Tail);

            await stopping.StopAsync();
        }

        Assert.True(await Eventually.TrueWithinAsync(Deadline, async () => (await MetricsText.ScrapeAsync(Client))[Shutdown] - before == Lists),
            $"shutdown drops: {(await MetricsText.ScrapeAsync(Client))[Shutdown] - before}\n{stopping.Tail}");
    }

    private const string Crash = "recommender_impressions_dropped_total{reason=\"crash\"}";
    private const string Shutdown = "recommender_impressions_dropped_total{reason=\"shutdown\"}";

    private async Task ServeListsAsync(ServiceProcess service)
    {
        using var client = service.CreateClient(RecommenderApiFactory.ClientKey);
        for (var i = 0; i < Lists; i++)
        {
            var list = await client.GetFromJsonAsync<JsonElement>($"/api/v1/users/{Ratings.Users[i % Ratings.Users.Count]}/recommendations?count=5");
            Assert.NotNull(list.GetProperty("recommendationId").GetString());
        }
    }

    /// <summary>The most any replica's ledger says it queued.</summary>
    private Task<long> QueuedInLedgerAsync() =>
        TestData.ScalarAsync(Factory.ConnectionString, "SELECT coalesce(max(queued), 0) FROM impression_ledgers");

    private static async Task<int> CountImpressionsAsync(NpgsqlConnection connection)
    {
        await using var count = new NpgsqlCommand("SELECT count(*) FROM impressions", connection);
        return (int)(long)(await count.ExecuteScalarAsync())!;
    }

    /// <summary>Holds a lock that makes every impression write wait (as a stalled database would) until disposed.</summary>
    private async Task<TableBlock> BlockImpressionWritesAsync()
    {
        var connection = new NpgsqlConnection(Factory.ConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using (var block = new NpgsqlCommand("LOCK TABLE impressions IN SHARE MODE", connection, transaction))
            await block.ExecuteNonQueryAsync();
        return new TableBlock(connection, transaction);
    }

    private sealed record TableBlock(NpgsqlConnection Connection, NpgsqlTransaction Transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Transaction.RollbackAsync();
            await Connection.DisposeAsync();
        }
    }
}
