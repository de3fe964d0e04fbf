using Microsoft.Extensions.Options;

namespace RecommenderService.Api.Tests.Health;

[Collection(PostgresCollection.Name)]
public sealed class FoundationTests(PostgresFixture postgres) : IAsyncLifetime
{
    private RecommenderApiFactory _factory = null!;

    public async Task InitializeAsync() => _factory = await RecommenderApiFactory.CreateAsync(postgres);

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Liveness_answers_without_a_key()
    {
        var response = await _factory.CreateClientWithKey(null).GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Readiness_reports_the_database_reachable_and_migrated()
    {
        var response = await _factory.CreateClientAsClient().GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        var database = body.GetProperty("checks").GetProperty("database");
        Assert.Equal("Healthy", database.GetProperty("status").GetString());
        Assert.Equal(0, database.GetProperty("data").GetProperty("pendingMigrations").GetInt32());
    }

    [Fact]
    public async Task Readiness_fails_when_the_database_is_unreachable()
    {
        // Port 1 on loopback: nothing listens there, so every connection attempt is refused at once.
        await using var factory = new RecommenderApiFactory(
            "Host=127.0.0.1;Port=1;Database=nowhere;Username=postgres;Timeout=2",
            new Dictionary<string, string?> { ["Database:MigrateOnStartup"] = "false" });

        var response = await factory.CreateClientAsClient().GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("not reachable", body);
        Assert.DoesNotContain("Port=1", body);
    }

    [Fact]
    public async Task A_request_without_a_key_gets_401_problem_json()
    {
        var response = await _factory.CreateClientWithKey(null).GetAsync("/api/v1/model");

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "X-Api-Key");
    }

    [Fact]
    public async Task A_request_with_an_unknown_key_gets_401_problem_json()
    {
        var response = await _factory.CreateClientWithKey("not-a-configured-key-at-all").GetAsync("/api/v1/model");

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "valid API key");
    }

    [Fact]
    public async Task No_active_model_is_a_404_problem_for_a_client_key()
    {
        var response = await _factory.CreateClientAsClient().GetAsync("/api/v1/model");

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "popularity");
    }

    [Fact]
    public async Task An_unknown_route_is_a_404_problem()
    {
        var response = await _factory.CreateClientAsClient().GetAsync("/api/v1/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Swagger_document_offers_the_api_key_scheme()
    {
        var client = _factory.CreateClientWithKey(null);

        var ui = await client.GetAsync("/swagger/index.html");
        var document = await client.GetFromJsonAsync<JsonElement>("/swagger/v1/swagger.json");

        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal("apiKey", scheme.GetProperty("type").GetString());
        Assert.Equal("X-Api-Key", scheme.GetProperty("name").GetString());
        Assert.Equal("header", scheme.GetProperty("in").GetString());
        Assert.True(document.GetProperty("paths").TryGetProperty("/api/v1/model", out _));
    }

    [Fact]
    public async Task The_service_refuses_to_start_without_keys()
    {
        await using var factory = new RecommenderApiFactory(_factory.ConnectionString, new Dictionary<string, string?>
        {
            ["Auth:ClientKeys:0"] = null,
            ["Auth:AdminKeys:0"] = null,
        });

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());
        Assert.Contains("No API keys are configured", error.Message);
    }

    [Fact]
    public async Task Auth_can_be_disabled_explicitly()
    {
        await using var factory = new RecommenderApiFactory(_factory.ConnectionString, new Dictionary<string, string?>
        {
            ["Auth:ClientKeys:0"] = null,
            ["Auth:AdminKeys:0"] = null,
            ["Auth:Disabled"] = "true",
        });

        var response = await factory.CreateClientWithKey(null).GetAsync("/api/v1/model/versions");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Replicas_starting_together_on_an_empty_database_migrate_once_without_racing()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var replicas = Enumerable.Range(0, 3).Select(_ => new RecommenderApiFactory(connectionString)).ToList();
        try
        {
            // Starting a host runs its migrations; all three start at the same moment.
            var starts = replicas.Select(r => Task.Run(() => r.CreateClient().GetAsync("/health/ready")));
            var responses = await Task.WhenAll(starts);

            Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT count(*) FROM \"__EFMigrationsHistory\"", connection);
            var applied = (long)(await command.ExecuteScalarAsync())!;
            Assert.True(applied >= 1);
            await using var tables = new NpgsqlCommand(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('users','items','ratings','model_versions','model_blobs')",
                connection);
            Assert.Equal(5L, (long)(await tables.ExecuteScalarAsync())!);
        }
        finally
        {
            foreach (var replica in replicas) await replica.DisposeAsync();
        }
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detailFragment)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.Contains(detailFragment, problem.GetProperty("detail").GetString());
    }
}
