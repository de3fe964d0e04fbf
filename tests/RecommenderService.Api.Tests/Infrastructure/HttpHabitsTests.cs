using System.IO.Compression;
using System.Net.Http.Headers;

using Microsoft.AspNetCore.TestHost;

using Serilog.Core;

using RecommenderService.Engine;

namespace RecommenderService.Api.Tests.Infrastructure;

/// <summary>
/// What mobile and web clients expect of HTTP: validators and 304s, compression of larger JSON, a request
/// id on every answer (and in the request log), and the rate-limit state in headers.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class HttpHabitsTests(PostgresFixture postgres) : TrainedServiceTests(postgres)
{
    // Rate limiting stays on: its headers are among the habits.
    protected override Dictionary<string, string?> Settings => new() { ["Popularity:RefreshSeconds"] = "30" };

    protected override RatingSet Seed() => TestData.PlantedRatings(seed: 8);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        (await Client.PutAsJsonAsync("/api/v1/items/1", new { title = "First" })).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Popular_items_carry_an_etag_and_a_max_age_within_the_refresh_and_revalidate_to_304()
    {
        var first = await Client.GetAsync("/api/v1/items/popular?count=5");
        var etag = first.Headers.ETag;

        var again = await SendAsync(HttpMethod.Get, "/api/v1/items/popular?count=5", etag);
        var other = await SendAsync(HttpMethod.Get, "/api/v1/items/popular?count=6", etag);

        Assert.NotNull(etag);
        var maxAge = first.Headers.CacheControl?.MaxAge;
        Assert.NotNull(maxAge);
        Assert.InRange(maxAge.Value.TotalSeconds, 1, 30);
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Equal(etag, again.Headers.ETag);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task An_items_etag_changes_when_the_item_does()
    {
        var first = await Client.GetAsync("/api/v1/items/1");
        var unchanged = await SendAsync(HttpMethod.Get, "/api/v1/items/1", first.Headers.ETag);
        (await Client.PutAsJsonAsync("/api/v1/items/1", new { title = "First, restored" })).EnsureSuccessStatusCode();
        var changed = await SendAsync(HttpMethod.Get, "/api/v1/items/1", first.Headers.ETag);

        Assert.NotNull(first.Headers.ETag);
        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(first.Headers.ETag, changed.Headers.ETag);
    }

    [Fact]
    public async Task Similar_items_and_batch_reads_revalidate_to_304()
    {
        foreach (var path in new[] { "/api/v1/items/2/similar?count=5", "/api/v1/items?ids=1,2" })
        {
            var first = await Client.GetAsync(path);
            var again = await SendAsync(HttpMethod.Get, path, first.Headers.ETag);

            Assert.NotNull(first.Headers.ETag);
            Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        }
    }

    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    public async Task Larger_json_is_compressed_and_small_json_is_not(string encoding)
    {
        var large = await SendAsync(HttpMethod.Get, "/api/v1/items/popular?count=60", acceptEncoding: encoding);
        var small = await SendAsync(HttpMethod.Get, "/api/v1/items/1", acceptEncoding: encoding);

        Assert.Equal(encoding, Assert.Single(large.Content.Headers.ContentEncoding));
        var json = await Decompress(large, encoding);
        Assert.True(json.Length > 1024);
        Assert.Equal(60, JsonDocument.Parse(json).RootElement.GetProperty("items").GetArrayLength());
        Assert.Empty(small.Content.Headers.ContentEncoding);
        Assert.Equal("First", (await small.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
    }

    [Fact]
    public async Task Every_response_has_a_request_id_echoing_a_valid_one()
    {
        var anonymous = Factory.CreateClientWithKey(null);

        var generated = await Client.GetAsync("/api/v1/items/1");
        var unauthorized = await anonymous.GetAsync("/api/v1/items/1");
        var echoed = await SendAsync(HttpMethod.Get, "/api/v1/items/ghost", requestId: "app-7f3a.42");
        var replaced = await SendAsync(HttpMethod.Get, "/api/v1/items/1", requestId: "bad id with spaces");

        var id = RequestId(generated);
        Assert.False(string.IsNullOrEmpty(id));
        Assert.NotEqual(id, RequestId(unauthorized));
        Assert.False(string.IsNullOrEmpty(RequestId(unauthorized)));
        Assert.Equal(HttpStatusCode.NotFound, echoed.StatusCode);
        Assert.Equal("app-7f3a.42", RequestId(echoed));
        Assert.NotEqual("bad id with spaces", RequestId(replaced));
        Assert.False(string.IsNullOrEmpty(RequestId(replaced)));
    }

    [Fact]
    public async Task The_request_log_line_carries_the_request_id()
    {
        var sink = new CollectingLogSink();
        await using var factory = new RecommenderApiFactory(Factory.ConnectionString,
            new Dictionary<string, string?> { ["Serilog:MinimumLevel:Default"] = "Information" });
        var client = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<ILogEventSink>(sink)))
            .CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", RecommenderApiFactory.ClientKey);
        client.DefaultRequestHeaders.Add("X-Request-Id", "trace-me-123");

        await client.GetAsync("/api/v1/items/1");

        var line = await sink.WaitForAsync(e => e.Properties.TryGetValue("RequestRoute", out var route) && route.ToString() == "\"/api/v1/items/{itemId}\"");
        Assert.Equal("\"trace-me-123\"", line.Properties["RequestId"].ToString());
        Assert.Contains("trace-me-123", line.RenderMessage());
    }

    [Fact]
    public async Task Rate_limited_responses_carry_ratelimit_headers_and_a_429_retry_after()
    {
        await using var limited = new RecommenderApiFactory(Factory.ConnectionString, new Dictionary<string, string?>
        {
            ["RateLimiting:ClientPermitsPerSecond"] = "1",
            ["RateLimiting:ClientBurst"] = "3",
        });
        var client = limited.CreateClientAsClient();
        var admin = limited.CreateClientAsAdmin();

        var responses = new List<HttpResponseMessage>();
        for (var k = 0; k < 6; k++) responses.Add(await client.GetAsync("/api/v1/items/1"));
        var adminResponse = await admin.GetAsync("/api/v1/items/1");

        var first = responses[0];
        Assert.Equal("3", Header(first, "RateLimit-Limit"));
        Assert.Equal("2", Header(first, "RateLimit-Remaining"));
        Assert.True(int.Parse(Header(first, "RateLimit-Reset")!) >= 1);
        var rejected = responses.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.Equal("0", Header(rejected, "RateLimit-Remaining"));
        Assert.Equal("3", Header(rejected, "RateLimit-Limit"));
        Assert.NotNull(rejected.Headers.RetryAfter);
        Assert.Null(Header(adminResponse, "RateLimit-Limit"));
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, EntityTagHeaderValue? ifNoneMatch = null,
        string? acceptEncoding = null, string? requestId = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (ifNoneMatch is not null) request.Headers.IfNoneMatch.Add(ifNoneMatch);
        if (acceptEncoding is not null) request.Headers.AcceptEncoding.ParseAdd(acceptEncoding);
        if (requestId is not null) request.Headers.Add("X-Request-Id", requestId);
        return await Client.SendAsync(request);
    }

    private static async Task<string> Decompress(HttpResponseMessage response, string encoding)
    {
        await using var raw = await response.Content.ReadAsStreamAsync();
        await using Stream decoded = encoding == "br" ? new BrotliStream(raw, CompressionMode.Decompress) : new GZipStream(raw, CompressionMode.Decompress);
        using var reader = new StreamReader(decoded);
        return await reader.ReadToEndAsync();
    }

    private static string? RequestId(HttpResponseMessage response) => Header(response, "X-Request-Id");

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}
