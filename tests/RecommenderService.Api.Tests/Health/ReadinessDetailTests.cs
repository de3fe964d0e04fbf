namespace RecommenderService.Api.Tests.Health;

/// <summary>
/// Anonymous readiness says only whether the replica is ready (what a load balancer's probe needs); the checks
/// with their data (model version, counts, migrations) need an API key.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ReadinessDetailTests(PostgresFixture postgres) : ServiceTests(postgres)
{
    [Fact]
    public async Task Anonymous_readiness_is_only_the_status()
    {
        var response = await Factory.CreateClientWithKey(null).GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["status"], body.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Readiness_with_a_key_shows_the_checks_and_the_model_version()
    {
        var response = await Client.GetAsync("/health/ready");

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("none", body.GetProperty("checks").GetProperty("model").GetProperty("data").GetProperty("modelVersion").GetString());
        Assert.Equal(0, body.GetProperty("checks").GetProperty("database").GetProperty("data").GetProperty("pendingMigrations").GetInt32());
    }

    [Fact]
    public async Task A_wrong_key_gets_the_anonymous_answer()
    {
        var response = await Factory.CreateClientWithKey("not-a-configured-key-at-all").GetAsync("/health/ready");

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(body.TryGetProperty("checks", out _), body.ToString());
    }
}
