using Xunit.Abstractions;

namespace RecommenderService.Api.Tests.Model;

/// <summary>
/// Replicas split by role, as separate processes on one database: an api replica queues retrains but never runs
/// one, a trainer runs them, and what the trainer activates is served by the api replica.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ReplicaRolesTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static Dictionary<string, string> Settings(string roles) => new()
    {
        ["Roles"] = roles,
        ["Training:JobsEnabled"] = "true",
        ["Training:QueuePollSeconds"] = "0.2",
        ["Training:HeartbeatSeconds"] = "0.5",
        ["Training:PollSeconds"] = "2",
        ["Training:Cron"] = "0 0 1 1 *", // no scheduled run during the test
        ["RateLimiting:Enabled"] = "false",
        ["Serilog:MinimumLevel:Default"] = "Warning",
    };

    [Fact]
    public async Task A_retrain_queued_on_an_api_replica_runs_on_the_trainer_and_is_served_by_the_api_replica()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var trainer = await ServiceProcess.StartAsync(database, Settings("trainer"));
        await TestData.InsertRatingsAsync(database, TestData.ClusteredRatings(), DateTimeOffset.UtcNow.AddHours(-2));
        await using var api = await ServiceProcess.StartAsync(database, Settings("api"));
        using var admin = api.CreateClient(RecommenderApiFactory.AdminKey);

        var jobId = await RetrainDriver.RequestAsync(admin, RetrainSettings.Good);
        var job = await RetrainDriver.WaitForJobAsync(admin, jobId, TimeSpan.FromMinutes(2));
        Assert.True(job.GetProperty("modelStatus").GetString() == "active", $"{job}\ntrainer:\n{trainer.Tail}");
        var version = job.GetProperty("modelVersion").GetInt32();

        var ranBy = await ProcessingServerAsync(database, jobId);
        Assert.StartsWith($"recommender-{trainer.ProcessId}-", ranBy);
        Assert.Equal(0, await TestData.ScalarAsync(database,
            "SELECT count(*) FROM hangfire.server WHERE id LIKE $1", $"recommender-{api.ProcessId}-%"));

        using var client = api.CreateClient(RecommenderApiFactory.ClientKey);
        JsonElement served = default;
        var swapped = await RetrainDriver.PollAsync(async () =>
        {
            var response = await client.GetAsync("/api/v1/model");
            served = await response.Content.ReadFromJsonAsync<JsonElement>();
            return response.IsSuccessStatusCode && served.TryGetProperty("version", out var v) && v.GetInt32() == version;
        }, TimeSpan.FromSeconds(30));
        Assert.True(swapped, $"api replica serves {served}, not version {version}\napi:\n{api.Tail}");
        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/users/1/recommendations?count=5");
        Assert.True(list.GetProperty("strategy").GetString() == "model", list.ToString());
        output.WriteLine($"job {jobId} ran on {ranBy}; version {version} served by the api replica");
    }

    [Theory]
    [InlineData("cook")]
    [InlineData("api,chef")]
    [InlineData(",")]
    public async Task An_unknown_role_stops_the_start_with_a_message_naming_the_setting(string roles)
    {
        var database = await postgres.CreateDatabaseAsync();
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ServiceProcess.StartAsync(database, Settings(roles)));
        Assert.Contains("Roles must", refused.Message);
    }

    private static async Task<string> ProcessingServerAsync(string database, string jobId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT data::jsonb ->> 'ServerId' FROM hangfire.state WHERE jobid = $1 AND name = 'Processing' ORDER BY id DESC LIMIT 1", connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = long.Parse(jobId, System.Globalization.CultureInfo.InvariantCulture) });
        return (string?)await command.ExecuteScalarAsync() ?? "(never processed)";
    }
}
