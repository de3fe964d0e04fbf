namespace RecommenderService.Api.Tests.Model;

/// <summary>
/// One rollout path: every live replica acknowledges that it holds a version before the switch; a replica that
/// died is not waited for; one that is alive but never answers delays the switch only until the deadline.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RolloutTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly object Good = new { factors = 8, learningRate = 0.03, initStdDev = 0.1, maxEpochs = 60, ranking = false };

    private readonly List<RecommenderApiFactory> _hosts = [];
    private string _database = null!;

    public async Task InitializeAsync()
    {
        _database = await postgres.CreateDatabaseAsync();
        Host(jobs: false).CreateClient(); // migrations
        await TestData.InsertRatingsAsync(_database, TestData.ClusteredRatings(), DateTimeOffset.UtcNow.AddHours(-2));
    }

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts) await host.DisposeAsync();
    }

    [Fact]
    public async Task After_a_retrain_every_live_replica_reports_serving_the_new_version()
    {
        var trainer = Host(jobs: true);
        var other = Host(jobs: false);
        other.CreateClient();
        var admin = trainer.CreateClientAsAdmin();

        var (_, job) = await RetrainDriver.RetrainAndWaitAsync(admin, Good);
        var version = job.GetProperty("modelVersion").GetInt32();

        // Every replica (these two and the one that migrated) acknowledged the load before the switch and
        // reports serving it after.
        Assert.True(await RetrainDriver.PollAsync(async () =>
            await TestData.ScalarAsync(_database, "SELECT count(*) FROM serving_replicas WHERE serving_version = $1", version) == 3
            && await TestData.ScalarAsync(_database, "SELECT count(*) FROM serving_replicas") == 3,
            TimeSpan.FromSeconds(10)), await TableAsync());
        var ready = await other.CreateClientAsAdmin().GetFromJsonAsync<JsonElement>("/health/ready");
        Assert.Equal(version, ready.GetProperty("checks").GetProperty("model").GetProperty("data").GetProperty("modelVersion").GetInt32());
    }

    [Fact]
    public async Task A_replica_that_stopped_beating_is_not_waited_for()
    {
        var trainer = Host(jobs: true, preloadTimeout: 600);
        var admin = trainer.CreateClientAsAdmin();
        admin.Timeout = TimeSpan.FromSeconds(60);
        var (_, first) = await RetrainDriver.RetrainAndWaitAsync(admin, Good);
        var (_, second) = await RetrainDriver.RetrainAndWaitAsync(admin, Good);
        await ExecuteAsync("INSERT INTO serving_replicas (replica_id, host, heartbeat_at) VALUES ('gone', 'nowhere', now() - interval '5 minutes')");

        // Waiting for 'gone' would hold this request for the 600 s deadline: the client gives up after 60.
        var response = await admin.PostAsync($"/api/v1/model/versions/{first.GetProperty("modelVersion").GetInt32()}/activate", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(first.GetProperty("modelVersion").GetInt32(), second.GetProperty("modelVersion").GetInt32());
    }

    [Fact]
    public async Task A_live_replica_that_never_acknowledges_delays_the_switch_only_until_the_deadline()
    {
        var trainer = Host(jobs: true, preloadTimeout: 1);
        var admin = trainer.CreateClientAsAdmin();
        var (_, first) = await RetrainDriver.RetrainAndWaitAsync(admin, Good);
        await RetrainDriver.RetrainAndWaitAsync(admin, Good);
        var v1 = first.GetProperty("modelVersion").GetInt32();

        // A replica that keeps beating but never loads anything (stuck, or far too slow).
        using var stop = new CancellationTokenSource();
        var beating = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await ExecuteAsync("""
                    INSERT INTO serving_replicas (replica_id, host) VALUES ('stuck', 'somewhere')
                    ON CONFLICT (replica_id) DO UPDATE SET heartbeat_at = now()
                    """);
                await Task.Delay(100);
            }
        });
        var response = await admin.PostAsync($"/api/v1/model/versions/{v1}/activate", null);
        await stop.CancelAsync();
        await beating;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var model = await admin.GetFromJsonAsync<JsonElement>("/api/v1/model");
        Assert.Equal(v1, model.GetProperty("version").GetInt32());
        Assert.Equal(0, await TestData.ScalarAsync(_database, "SELECT count(*) FROM serving_replicas WHERE replica_id = 'stuck' AND standby_version IS NOT NULL"));
    }

    private RecommenderApiFactory Host(bool jobs, double preloadTimeout = 10)
    {
        var host = new RecommenderApiFactory(_database, new Dictionary<string, string?>
        {
            ["Training:JobsEnabled"] = jobs ? "true" : "false",
            ["Training:QueuePollSeconds"] = "0.2",
            ["Training:HeartbeatSeconds"] = "0.5",
            ["Training:PreloadTimeoutSeconds"] = preloadTimeout.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RateLimiting:Enabled"] = "false",
        });
        _hosts.Add(host);
        return host;
    }

    private async Task<string> TableAsync()
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT replica_id || ' ' || coalesce(serving_version::text, '-') || ' ' || coalesce(standby_version::text, '-') || ' ' || heartbeat_at::text FROM serving_replicas", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return string.Join("\n", rows);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
