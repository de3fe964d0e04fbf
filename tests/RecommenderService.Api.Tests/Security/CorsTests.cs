namespace RecommenderService.Api.Tests.Security;

/// <summary>
/// Cross-origin access from <c>Cors:AllowedOrigins</c>: preflights pass without a key (the browser sends
/// none), only listed origins get CORS headers, and the headers a frontend must read are exposed.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CorsTests(PostgresFixture postgres)
{
    private const string Allowed = "http://127.0.0.1:5173";

    private static Dictionary<string, string?> WithCors() => new()
    {
        ["Cors:AllowedOrigins:0"] = Allowed,
        ["Cors:AllowedOrigins:1"] = "https://shop.example.test/",
    };

    [Fact]
    public async Task A_preflight_from_an_allowed_origin_passes_without_a_key()
    {
        await using var factory = await RecommenderApiFactory.CreateAsync(postgres, WithCors());
        var client = factory.CreateClientWithKey(null);

        var response = await client.SendAsync(Preflight("/api/v1/users/u1/ratings/i1", Allowed, "PUT",
            "authorization,content-type,x-api-key,if-none-match,x-request-id"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(Allowed, Single(response, "Access-Control-Allow-Origin"));
        Assert.Contains("PUT", Single(response, "Access-Control-Allow-Methods"));
        var headers = Single(response, "Access-Control-Allow-Headers").ToLowerInvariant();
        foreach (var header in new[] { "authorization", "content-type", "x-api-key", "if-none-match", "x-request-id" })
            Assert.Contains(header, headers);
    }

    [Fact]
    public async Task An_origin_configured_with_a_trailing_slash_is_matched()
    {
        await using var factory = await RecommenderApiFactory.CreateAsync(postgres, WithCors());
        var client = factory.CreateClientWithKey(null);

        var response = await client.SendAsync(Preflight("/api/v1/items/popular", "https://shop.example.test", "GET", "x-api-key"));

        Assert.Equal("https://shop.example.test", Single(response, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_preflight_asking_for_another_header_is_not_granted_it()
    {
        await using var factory = await RecommenderApiFactory.CreateAsync(postgres, WithCors());
        var client = factory.CreateClientWithKey(null);

        var response = await client.SendAsync(Preflight("/api/v1/items/popular", Allowed, "GET", "x-secret-header"));

        // The browser compares the granted list with what it asked for and blocks the request.
        Assert.DoesNotContain("x-secret-header", Single(response, "Access-Control-Allow-Headers").ToLowerInvariant());
    }

    [Fact]
    public async Task Another_origin_gets_no_cors_headers()
    {
        await using var factory = await RecommenderApiFactory.CreateAsync(postgres, WithCors());
        var client = factory.CreateClientWithKey(RecommenderApiFactory.ClientKey);

        var preflight = await client.SendAsync(Preflight("/api/v1/items/popular", "http://localhost:5173", "GET", "x-api-key"));
        var get = await client.SendAsync(Get("/api/v1/items/popular", "http://evil.example.test"));

        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(get.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Responses_to_an_allowed_origin_expose_the_headers_a_frontend_reads()
    {
        await using var factory = await RecommenderApiFactory.CreateAsync(postgres, WithCors());
        var client = factory.CreateClientWithKey(RecommenderApiFactory.ClientKey);

        var response = await client.SendAsync(Get("/api/v1/items/popular", Allowed));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Allowed, Single(response, "Access-Control-Allow-Origin"));
        var exposed = Single(response, "Access-Control-Expose-Headers").ToLowerInvariant();
        foreach (var header in new[] { "etag", "x-request-id", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "retry-after", "location" })
            Assert.Contains(header, exposed);
    }

    [Fact]
    public async Task A_401_to_an_allowed_origin_carries_cors_headers_so_the_page_can_read_it()
    {
        await using var factory = await RecommenderApiFactory.CreateAsync(postgres, WithCors());
        var client = factory.CreateClientWithKey(null);

        var response = await client.SendAsync(Get("/api/v1/items/popular", Allowed));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(Allowed, Single(response, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task By_default_there_is_no_cors()
    {
        await using var factory = await RecommenderApiFactory.CreateAsync(postgres);
        var client = factory.CreateClientWithKey(RecommenderApiFactory.ClientKey);

        var preflight = await client.SendAsync(Preflight("/api/v1/items/popular", Allowed, "GET", "x-api-key"));
        var get = await client.SendAsync(Get("/api/v1/items/popular", Allowed));

        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(get.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("not an origin")]
    [InlineData("https://shop.example.test/app")]
    [InlineData("ftp://shop.example.test")]
    public async Task The_service_refuses_to_start_with_a_malformed_origin(string origin)
    {
        await using var factory = await RecommenderApiFactory.CreateAsync(postgres, new Dictionary<string, string?> { ["Cors:AllowedOrigins:0"] = origin });

        var error = Assert.ThrowsAny<Exception>(() => { factory.CreateClient(); });

        Assert.Contains("Cors:AllowedOrigins", error.ToString());
    }

    private static HttpRequestMessage Preflight(string path, string origin, string method, string headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return request;
    }

    private static HttpRequestMessage Get(string path, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Origin", origin);
        return request;
    }

    private static string Single(HttpResponseMessage response, string header) =>
        response.Headers.TryGetValues(header, out var values) ? string.Join(",", values) : "";
}
