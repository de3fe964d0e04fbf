using static RecommenderService.Api.Tests.Hardening.HardeningKit;

namespace RecommenderService.Api.Tests.Hardening;

/// <summary>Every error has the same problem shape: parameters that do not bind, wrong media types, rate limits.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ProblemShapeTests(PostgresFixture postgres) : ServiceTests(postgres)
{
    protected override Dictionary<string, string?> Settings => new()
    {
        ["RateLimiting:ClientBurst"] = "3",
        ["RateLimiting:ClientPermitsPerSecond"] = "1",
        ["RateLimiting:InvalidKeyBurst"] = "5",
        ["RateLimiting:InvalidKeyPermitsPerSecond"] = "1",
    };

    [Theory]
    [InlineData("/api/v1/items/popular?count=abc", "count")]
    [InlineData("/api/v1/users/u1/recommendations?count=1e3", "count")]
    [InlineData("/api/v1/users/u1/recommendations?excludeRated=maybe", "excludeRated")]
    [InlineData("/api/v1/items/i1/similar?count=99999999999", "count")]
    public async Task Parameters_that_do_not_bind_get_a_validation_problem_naming_them(string path, string parameter)
    {
        var response = await Factory.CreateClientAsAdmin().GetAsync(path);

        var problem = await AssertFieldProblemAsync(response, parameter);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
    }

    [Theory]
    [InlineData("PUT", "/api/v1/items/i1", "text/plain")]
    [InlineData("POST", "/api/v1/model/retrain", "text/plain")]
    [InlineData("PUT", "/api/v1/users/u1/ratings/i1", "application/x-www-form-urlencoded")]
    [InlineData("POST", "/api/v1/ratings/import", "application/json")]
    public async Task A_wrong_media_type_is_a_415_problem_with_a_detail(string method, string path, string contentType)
    {
        var response = await Factory.CreateClientAsAdmin().SendAsync(Raw(new HttpMethod(method), path, "{}", contentType));

        var problem = await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()), problem.ToString());
    }

    [Fact]
    public async Task A_429_problem_has_a_type_and_retry_after()
    {
        var client = Factory.CreateClientAsClient();
        HttpResponseMessage response;
        var sent = 0;
        do response = await client.GetAsync("/api/v1/items/popular");
        while (response.StatusCode != HttpStatusCode.TooManyRequests && ++sent < 50);

        var problem = await AssertProblemAsync(response, HttpStatusCode.TooManyRequests);
        Assert.StartsWith("https://", problem.GetProperty("type").GetString());
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task Requests_with_a_wrong_key_are_rate_limited_per_client_address()
    {
        var statuses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 20; attempt++)
        {
            // A new guess each time, as someone trying keys would.
            var guess = Factory.CreateClientWithKey($"guess-{attempt}");
            statuses.Add((await guess.GetAsync("/api/v1/items/popular")).StatusCode);
        }
        var limited = await Factory.CreateClientWithKey("guess-last").GetAsync("/api/v1/items/popular");

        Assert.Equal(HttpStatusCode.Unauthorized, statuses[0]);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        var problem = await AssertProblemAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.Contains("key", problem.GetProperty("detail").GetString());
        // A valid key from the same address is not held back by someone else's guessing.
        Assert.Equal(HttpStatusCode.OK, (await Factory.CreateClientAsAdmin().GetAsync("/api/v1/items/popular")).StatusCode);
    }
}
