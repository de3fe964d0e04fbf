using RecommenderService.Api.Tests.Browser;
using static RecommenderService.Api.Tests.Hardening.HardeningKit;

namespace RecommenderService.Api.Tests.Hardening;

/// <summary>
/// Paths as a hostile client sends them, through Kestrel on a real port (the in-process test server decodes
/// the path before the service sees it): NUL, bytes that are not UTF-8 (such as an encoded lone surrogate),
/// an encoded slash. Each is a problem naming the parameter, never another id.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RawPathTests(PostgresFixture postgres) : IAsyncLifetime
{
    private KestrelApiFactory _server = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await KestrelApiFactory.StartAsync(postgres, new Dictionary<string, string?> { ["RateLimiting:Enabled"] = "false" });
        _client = new HttpClient { BaseAddress = new Uri(_server.BaseAddress) };
        _client.DefaultRequestHeaders.Add("X-Api-Key", RecommenderApiFactory.AdminKey);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData("/api/v1/users/u%ED%A0%80x/ratings", "userId")]      // CESU-8 of the lone surrogate U+D800
    [InlineData("/api/v1/users/%FF%FE/recommendations", "userId")]
    [InlineData("/api/v1/items/a%2Fb", "itemId")]
    [InlineData("/api/v1/users/u1/predictions/x%2fy", "itemId")]
    public async Task Undecodable_or_slashed_path_ids_are_problems_naming_the_parameter(string path, string field)
    {
        var response = await _client.GetAsync(path);

        await AssertFieldProblemAsync(response, field);
    }

    [Fact]
    public async Task Nul_in_a_path_is_refused_by_kestrel_before_the_service_sees_it()
    {
        // Kestrel rejects a request target that decodes to NUL at the protocol level (a 400 without a body)
        // and offers no hook to shape that answer; the service's own check (RawPathCheck) covers every host
        // that does pass such a path on, see IdRuleTests. Pinned here so a change in Kestrel is noticed.
        var response = await _client.GetAsync("/api/v1/users/%00/ratings");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task An_id_with_an_encoded_percent_sign_is_still_reachable()
    {
        // "%252F" is the id "%2F" (a percent sign, a 2 and an F), not a slash: it round-trips.
        var put = await _client.PutAsync("/api/v1/users/a%252Fb/ratings/i1", new StringContent("""{"rating": 3}""", System.Text.Encoding.UTF8, "application/json"));
        var list = await _client.GetAsync("/api/v1/users/a%252Fb/ratings");

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Contains("i1", await list.Content.ReadAsStringAsync());
        Assert.Equal(1, await TestData.ScalarAsync(_server.Factory.ConnectionString, "SELECT count(*) FROM users WHERE external_id = 'a%2Fb'"));
    }
}
