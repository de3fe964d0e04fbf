using System.Net.Http.Headers;



using RecommenderService.Api.Model.Loading;
using RecommenderService.Api.Model.Training;

namespace RecommenderService.Api.Tests.Model;

/// <summary>Retraining through Hangfire on PostgreSQL storage, the quality gate, activation and hot swap.</summary>
[Collection(PostgresCollection.Name)]
public sealed class LifecycleTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> JobsOn = RetrainSettings.JobsOn(("Training:PollSeconds", "30"));

    private static readonly object Good = RetrainSettings.Good;

    private readonly List<RecommenderApiFactory> _hosts = [];
    private string _database = null!;

    public async Task InitializeAsync()
    {
        _database = await postgres.CreateDatabaseAsync();
        var host = Host();
        host.CreateClient(); // migrations
        await TestData.InsertRatingsAsync(_database, TestData.ClusteredRatings(), DateTimeOffset.UtcNow.AddHours(-2));
    }

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts) await host.DisposeAsync();
    }

    [Fact]
    public async Task A_retrain_through_the_api_runs_to_success_and_the_new_model_serves()
    {
        var admin = Host().CreateClientAsAdmin();

        var (jobId, job) = await RetrainAndWaitAsync(admin, Good);
        Assert.True(job.GetProperty("state").GetString() == "succeeded", job.ToString());
        Assert.True(job.GetProperty("modelStatus").GetString() == "active", job.ToString());
        var model = await admin.GetFromJsonAsync<JsonElement>("/api/v1/model");
        var list = await admin.GetFromJsonAsync<JsonElement>("/api/v1/users/1/recommendations");

        Assert.Equal("succeeded", job.GetProperty("state").GetString());
        var version = job.GetProperty("modelVersion").GetInt32();
        Assert.Equal("active", job.GetProperty("modelStatus").GetString());
        Assert.Equal(version, model.GetProperty("version").GetInt32());
        Assert.Equal(8, model.GetProperty("hyperparameters").GetProperty("factors").GetInt32());
        // How it was trained, beyond the numbers asked for: small data keeps fixed steps from the average rating,
        // stops itself after 10 passes without improvement, and refits from scratch; no head continued another.
        var settings = model.GetProperty("hyperparameters");
        Assert.Equal("fixed", settings.GetProperty("steps").GetString());
        Assert.Equal("fixed", settings.GetProperty("mean").GetString());
        Assert.Equal(10, settings.GetProperty("patience").GetInt32());
        Assert.Equal(0, settings.GetProperty("warmRefitShare").GetDouble());
        Assert.Equal(JsonValueKind.Null, settings.GetProperty("ranking").GetProperty("warmStartIterations").ValueKind);
        Assert.Equal(JsonValueKind.Null, settings.GetProperty("ranking").GetProperty("negativesAt").ValueKind);
        // The recorded ranking penalty is the one the served head was trained with (the rule and the search resolved
        // against the data), not the options' unused fixed value.
        var served = _hosts[^1].Services.GetRequiredService<ModelHolder>().Current!.Model.Ranking!;
        Assert.Equal(served.Regularization,
            model.GetProperty("hyperparameters").GetProperty("ranking").GetProperty("regularization").GetSingle(), 3);
        var metrics = model.GetProperty("metrics");
        Assert.True(metrics.GetProperty("rmse").GetDouble() < metrics.GetProperty("baselineRmse").GetDouble());
        foreach (var name in new[] { "mae", "precisionAt10", "recallAt10", "ndcgAt10" })
            Assert.True(metrics.TryGetProperty(name, out _), name);
        Assert.Equal(150 * 24, model.GetProperty("counts").GetProperty("ratings").GetInt64());
        Assert.True(metrics.GetProperty("ndcgAt10").GetDouble() > metrics.GetProperty("popularityNdcgAt10").GetDouble());
        // The popular list users would get instead (the damped mean) is recorded beside the most-rated yardstick.
        Assert.True(metrics.GetProperty("ndcgAt10").GetDouble() > metrics.GetProperty("servedPopularityNdcgAt10").GetDouble());
        Assert.InRange(metrics.GetProperty("servedPopularityPrecisionAt10").GetDouble(), 0, 1);
        Assert.Equal(version, list.GetProperty("modelVersion").GetInt32());
        Assert.Equal("model", list.GetProperty("strategy").GetString());
        Assert.False(string.IsNullOrEmpty(jobId));
        var ready = await admin.GetFromJsonAsync<JsonElement>("/health/ready");
        Assert.Equal(version, ready.GetProperty("checks").GetProperty("model").GetProperty("data").GetProperty("modelVersion").GetInt32());
    }

    [Fact]
    public async Task A_model_from_absurd_hyperparameters_is_rejected_and_the_active_one_keeps_serving()
    {
        var admin = Host().CreateClientAsAdmin();
        var (_, good) = await RetrainAndWaitAsync(admin, Good);
        var active = good.GetProperty("modelVersion").GetInt32();
        // New ratings after the active model's cut-off: the holdout both models are judged on.
        await TestData.InsertRatingsAsync(_database, TestData.ClusteredRatings(perUser: 8, seed: 21, from: new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero)), DateTimeOffset.UtcNow);

        // One epoch at a vanishing step size barely leaves the global mean: far worse than the active model.
        var (_, bad) = await RetrainAndWaitAsync(admin, new { factors = 1, epochs = 1, learningRate = 1e-7 });
        var versions = await admin.GetFromJsonAsync<JsonElement>("/api/v1/model/versions");
        var model = await admin.GetFromJsonAsync<JsonElement>("/api/v1/model");

        Assert.Equal("succeeded", bad.GetProperty("state").GetString());
        Assert.True("rejected" == bad.GetProperty("modelStatus").GetString(), versions.ToString());
        Assert.Contains($"active version {active} never saw", bad.GetProperty("reason").GetString());
        var rejected = versions.EnumerateArray().Single(v => v.GetProperty("version").GetInt32() == bad.GetProperty("modelVersion").GetInt32());
        Assert.Equal("rejected", rejected.GetProperty("status").GetString());
        var comparison = rejected.GetProperty("metrics").GetProperty("active");
        Assert.Equal(active, comparison.GetProperty("version").GetInt32());
        Assert.True(comparison.GetProperty("candidateRmse").GetDouble() > comparison.GetProperty("activeRmse").GetDouble() + 0.02);
        Assert.Equal(active, model.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Invalid_hyperparameters_are_a_400_problem_and_start_nothing()
    {
        var admin = Host().CreateClientAsAdmin();

        var response = await admin.PostAsJsonAsync("/api/v1/model/retrain", new { factors = 0, learningRate = -1 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("factors", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("learningRate", out _));
        Assert.Equal(0, await TestData.ScalarAsync(_database, "SELECT count(*) FROM model_versions"));
    }

    [Fact]
    public async Task Retraining_and_activating_need_an_admin_key()
    {
        var client = Host().CreateClientAsClient();

        var retrain = await client.PostAsync("/api/v1/model/retrain", null);
        var activate = await client.PostAsync("/api/v1/model/versions/1/activate", null);

        Assert.Equal(HttpStatusCode.Forbidden, retrain.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, activate.StatusCode);
        Assert.Equal("application/problem+json", retrain.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_retrain_asked_while_one_is_queued_or_running_is_answered_with_that_job()
    {
        var admin = Host().CreateClientAsAdmin();
        // Hold the training lock as another replica's training would: the first job waits in processing.
        await using var blocker = new NpgsqlConnection(_database);
        await blocker.OpenAsync();
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({TrainingLock.Key})", blocker))
            await take.ExecuteNonQueryAsync();

        var first = await (await admin.PostAsJsonAsync("/api/v1/model/retrain", new { factors = 4, epochs = 3 })).Content.ReadFromJsonAsync<JsonElement>();
        var second = await admin.PostAsync("/api/v1/model/retrain", null);
        var secondBody = await second.Content.ReadFromJsonAsync<JsonElement>();
        await using (var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({TrainingLock.Key})", blocker))
            await release.ExecuteNonQueryAsync();
        var done = await WaitForJobAsync(admin, first.GetProperty("jobId").GetString()!);

        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal(first.GetProperty("jobId").GetString(), secondBody.GetProperty("jobId").GetString());
        Assert.True(secondBody.GetProperty("alreadyQueued").GetBoolean());
        Assert.Equal("succeeded", done.GetProperty("state").GetString());
        Assert.Equal(1, await TestData.ScalarAsync(_database, "SELECT count(*) FROM model_versions"));
    }

    [Fact]
    public async Task Rollback_activates_an_older_version_through_the_same_path()
    {
        var admin = Host().CreateClientAsAdmin();
        var (_, first) = await RetrainAndWaitAsync(admin, Good);
        var (_, second) = await RetrainAndWaitAsync(admin, new { factors = 6, learningRate = 0.03, initStdDev = 0.1, maxEpochs = 150 });
        var v1 = first.GetProperty("modelVersion").GetInt32();
        var v2 = second.GetProperty("modelVersion").GetInt32();

        var response = await admin.PostAsync($"/api/v1/model/versions/{v1}/activate", null);
        var model = await admin.GetFromJsonAsync<JsonElement>("/api/v1/model");
        var list = await admin.GetFromJsonAsync<JsonElement>("/api/v1/users/2/recommendations");
        var versions = await admin.GetFromJsonAsync<JsonElement>("/api/v1/model/versions");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(v1, model.GetProperty("version").GetInt32());
        Assert.Equal(v1, list.GetProperty("modelVersion").GetInt32());
        Assert.Equal("superseded", versions.EnumerateArray().Single(v => v.GetProperty("version").GetInt32() == v2).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Activating_an_unknown_version_is_404_and_a_failed_one_is_409()
    {
        var admin = Host().CreateClientAsAdmin();
        await TestData.ScalarAsync(_database, "INSERT INTO model_versions (status, reason) VALUES ('failed', 'boom') RETURNING version");
        var failed = await TestData.ScalarAsync(_database, "SELECT max(version) FROM model_versions");

        var unknown = await admin.PostAsync("/api/v1/model/versions/9999/activate", null);
        var conflict = await admin.PostAsync($"/api/v1/model/versions/{failed}/activate", null);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal("application/problem+json", conflict.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_retrain_on_one_replica_is_served_by_the_other()
    {
        var replicaA = Host().CreateClientAsAdmin();
        var replicaB = Host().CreateClientAsAdmin();
        Assert.Equal("popularity", (await replicaB.GetFromJsonAsync<JsonElement>("/api/v1/users/3/recommendations")).GetProperty("strategy").GetString());

        var (_, job) = await RetrainAndWaitAsync(replicaA, Good);
        var version = job.GetProperty("modelVersion").GetInt32();

        // Replica B hears the NOTIFY; its poll (30 s here) is far beyond this deadline.
        var served = await PollAsync(async () =>
        {
            var list = await replicaB.GetFromJsonAsync<JsonElement>("/api/v1/users/3/recommendations");
            return list.GetProperty("modelVersion").ValueKind == JsonValueKind.Number && list.GetProperty("modelVersion").GetInt32() == version;
        }, TimeSpan.FromSeconds(10));
        Assert.True(served, "replica B did not serve the new version within 10 s");
    }

    [Fact]
    public async Task Every_replica_loads_an_accepted_model_before_it_is_activated()
    {
        var replicaA = Host().CreateClientAsAdmin();
        var replicaB = Host().CreateClientAsAdmin();
        await replicaB.GetAsync("/health/live");

        var (_, job) = await RetrainAndWaitAsync(replicaA, Good);
        var version = job.GetProperty("modelVersion").GetInt32();
        JsonElement model = default;
        var served = await PollAsync(async () =>
        {
            model = (await replicaB.GetFromJsonAsync<JsonElement>("/health/ready")).GetProperty("checks").GetProperty("model").GetProperty("data");
            return model.GetProperty("modelVersion").ValueKind == JsonValueKind.Number && model.GetProperty("modelVersion").GetInt32() == version;
        }, TimeSpan.FromSeconds(10));

        Assert.Equal("active", job.GetProperty("modelStatus").GetString());
        Assert.True(served, "replica B did not serve the new version within 10 s");
        Assert.Equal("standby", model.GetProperty("lastSwap").GetString());
    }

    [Fact]
    public async Task A_corrupt_blob_is_refused_and_the_previous_model_keeps_serving()
    {
        var admin = Host().CreateClientAsAdmin();
        var (_, job) = await RetrainAndWaitAsync(admin, Good);
        var good = job.GetProperty("modelVersion").GetInt32();

        // A second version whose blob has one byte flipped, activated behind the service's back.
        var blob = await BlobAsync(good);
        blob[blob.Length / 2] ^= 0x5A;
        var model = TestData.Train(TestData.PlantedRatings(users: 10, items: 10, ratings: 40));
        var corrupt = await TestData.StoreActiveModelAsync(_database, model, DateTimeOffset.UtcNow, blob);
        var loaded = await _hosts[0].Services.GetRequiredService<ActiveModelLoader>().LoadActiveAsync(CancellationToken.None);
        var list = await admin.GetFromJsonAsync<JsonElement>("/api/v1/users/4/recommendations");

        Assert.NotEqual(good, corrupt);
        Assert.Equal(good, loaded?.Version);
        Assert.Equal(good, list.GetProperty("modelVersion").GetInt32());
    }

    [Fact]
    public async Task A_failing_training_is_recorded_as_failed_and_the_old_model_stays_active()
    {
        var admin = Host().CreateClientAsAdmin();
        var (_, job) = await RetrainAndWaitAsync(admin, Good);
        var active = job.GetProperty("modelVersion").GetInt32();
        await TestData.ScalarAsync(_database, "WITH d AS (DELETE FROM ratings RETURNING 1) SELECT count(*) FROM d"); // nothing left to learn from

        var (_, failed) = await RetrainAndWaitAsync(admin, new { factors = 8, epochs = 5 });
        var model = await admin.GetFromJsonAsync<JsonElement>("/api/v1/model");
        var versions = await admin.GetFromJsonAsync<JsonElement>("/api/v1/model/versions");

        Assert.Equal("failed", failed.GetProperty("state").GetString());
        Assert.Contains("Too little data", failed.GetProperty("error").GetString());
        var record = versions.EnumerateArray().Single(v => v.GetProperty("version").GetInt32() == failed.GetProperty("modelVersion").GetInt32());
        Assert.Equal("failed", record.GetProperty("status").GetString());
        Assert.Equal(active, model.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task An_unknown_job_is_a_404_problem()
    {
        var response = await Host().CreateClientAsAdmin().GetAsync("/api/v1/model/jobs/424242");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_hangfire_dashboard_is_for_admins_and_browsers_can_sign_in_with_basic_auth()
    {
        var host = Host();
        var anonymous = await host.CreateClientWithKey(null).GetAsync("/hangfire");
        var client = await host.CreateClientAsClient().GetAsync("/hangfire");
        var browser = host.CreateClientWithKey(null);
        browser.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"ops:{RecommenderApiFactory.AdminKey}")));
        var admin = await browser.GetAsync("/hangfire");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains(anonymous.Headers.WwwAuthenticate, h => h.Scheme == "Basic");
        Assert.Equal(HttpStatusCode.Forbidden, client.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Contains("Recommender jobs", await admin.Content.ReadAsStringAsync());
    }

    private RecommenderApiFactory Host()
    {
        var host = new RecommenderApiFactory(_database, JobsOn);
        _hosts.Add(host);
        return host;
    }

    private static Task<(string JobId, JsonElement Job)> RetrainAndWaitAsync(HttpClient admin, object parameters) =>
        RetrainDriver.RetrainAndWaitAsync(admin, parameters);

    private static Task<JsonElement> WaitForJobAsync(HttpClient client, string jobId) =>
        RetrainDriver.WaitForJobAsync(client, jobId, TimeSpan.FromMinutes(2));

    private static Task<bool> PollAsync(Func<Task<bool>> condition, TimeSpan deadline) => RetrainDriver.PollAsync(condition, deadline);

    private async Task<byte[]> BlobAsync(int version)
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT data FROM model_blobs WHERE version = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = version });
        return (byte[])(await command.ExecuteScalarAsync())!;
    }
}
