using RecommenderService.Api.Infrastructure;
using static RecommenderService.Api.Tests.Hardening.HardeningKit;

namespace RecommenderService.Api.Tests.Hardening;

/// <summary>
/// Large JSON bodies take turns, so that many maximum-size batches at once cannot hold a body each in memory:
/// beyond the configured number, a body waits for its turn, and one that waits too long is a 503 problem that
/// stores nothing. Small bodies never wait.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class LargeBodyGateTests(PostgresFixture postgres) : ServiceTests(postgres)
{
    protected override Dictionary<string, string?> Settings => new()
    {
        ["RateLimiting:Enabled"] = "false",
        ["LargeBodies:ThresholdBytes"] = "1024",
        ["LargeBodies:MaxConcurrent"] = "1",
        ["LargeBodies:QueueSeconds"] = "1",
    };

    [Fact]
    public async Task A_large_body_beyond_the_concurrent_limit_waits_then_gets_a_503_problem_and_nothing_is_stored()
    {
        var gate = Factory.Services.GetRequiredService<LargeBodyGate>();
        var before = await ScalarAsync("SELECT count(*) FROM ratings");
        HttpResponseMessage refused, small;
        // Another large body holds the only turn.
        using (var held = await gate.TryEnterAsync(CancellationToken.None))
        {
            Assert.NotNull(held);
            refused = await Admin.PostAsync("/api/v1/ratings/batch", Json(BatchJson("late", 40)));
            small = await Admin.PutAsync("/api/v1/users/small/ratings/i1", Json("""{"rating": 4}"""));
        }

        var problem = await AssertProblemAsync(refused, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("large bodies", problem.GetProperty("detail").GetString());
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.Created, small.StatusCode); // small bodies never wait
        Assert.Equal(before + 1, await ScalarAsync("SELECT count(*) FROM ratings"));
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM users WHERE external_id LIKE 'late-%'"));
    }

    [Fact]
    public async Task Large_bodies_are_stored_once_a_turn_is_free_and_every_turn_is_given_back()
    {
        var gate = Factory.Services.GetRequiredService<LargeBodyGate>();
        var held = await gate.TryEnterAsync(CancellationToken.None);
        var waiting = Admin.PostAsync("/api/v1/ratings/batch", Json(BatchJson("patient", 40)));
        held!.Dispose();

        Assert.Equal(HttpStatusCode.OK, (await waiting).StatusCode);
        Assert.Equal(40, await ScalarAsync("SELECT count(*) FROM users WHERE external_id LIKE 'patient-%'"));
        for (var wait = 0; wait < 200 && gate.Inside > 0; wait++) await Task.Delay(25);
        Assert.Equal(0, gate.Inside); // every turn is given back
    }

    private Task<long> ScalarAsync(string sql) => TestData.ScalarAsync(Factory.ConnectionString, sql);

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string BatchJson(string prefix, int rows) =>
        "{\"ratings\": [" + string.Join(",", Enumerable.Range(0, rows).Select(i => $"{{\"userId\": \"{prefix}-{i}\", \"itemId\": \"i{i}\", \"rating\": 4}}")) + "]}";
}
