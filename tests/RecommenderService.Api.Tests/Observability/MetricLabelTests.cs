using System.Text.RegularExpressions;

namespace RecommenderService.Api.Tests.Observability;

/// <summary>
/// Every label value on <c>/metrics</c> comes from a closed set: requests cannot mint series (made-up HTTP
/// methods, paths, status codes), so anonymous traffic cannot grow the scrape without bound.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class MetricLabelTests(PostgresFixture postgres) : IAsyncLifetime
{
    private RecommenderApiFactory _factory = null!;

    public async Task InitializeAsync() => _factory = await RecommenderApiFactory.CreateAsync(postgres, new Dictionary<string, string?>
    {
        ["RateLimiting:Enabled"] = "false",
    });

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Made_up_http_methods_do_not_become_label_values_and_the_scrape_stays_the_same_size()
    {
        var anonymous = _factory.CreateClient();
        await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod("BREW"), "/api/v1/items/popular"));
        var sizeBefore = (await anonymous.GetStringAsync("/metrics")).Length;

        var statuses = new HashSet<HttpStatusCode>();
        for (var k = 0; k < 200; k++)
        {
            var method = "M" + k + new string('X', 1000);
            var path = k % 2 == 0 ? "/api/v1/items/popular" : $"/made/up/{k}";
            statuses.Add((await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path))).StatusCode);
        }
        var metrics = await anonymous.GetStringAsync("/metrics");

        Assert.DoesNotContain("XXXX", metrics);
        Assert.DoesNotContain("BREW", metrics);
        Assert.True(metrics.Length - sizeBefore < 8 * 1024, $"/metrics grew by {metrics.Length - sizeBefore:N0} bytes");
        Assert.DoesNotContain(statuses, s => (int)s >= 500);
        var methods = MethodLabel().Matches(metrics).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Subset(new HashSet<string> { "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "OTHER" }, methods);
    }

    [GeneratedRegex("method=\"([^\"]*)\"")]
    private static partial Regex MethodLabel();
}
