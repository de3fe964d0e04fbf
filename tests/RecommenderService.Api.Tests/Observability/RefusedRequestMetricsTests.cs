namespace RecommenderService.Api.Tests.Observability;

/// <summary>
/// A request refused while binding is a 400 for the client; the HTTP metrics must count that 400, with its
/// route, not the 500 of an exception in flight, or the error-rate alert would fire on hostile input.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RefusedRequestMetricsTests(PostgresFixture postgres) : ServiceTests(postgres)
{
    [Fact]
    public async Task A_parameter_that_does_not_bind_is_counted_as_the_400_the_client_got_with_its_route()
    {
        var client = Factory.CreateClientAsClient();

        var response = await client.GetAsync("/api/v1/items/popular?count=abc");
        var metrics = await Factory.CreateClient().GetStringAsync("/metrics");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var series = metrics.Split('\n').Where(l => l.StartsWith("http_requests_received_total", StringComparison.Ordinal)).ToList();
        Assert.True(series.Any(l => l.Contains("code=\"400\"", StringComparison.Ordinal) && l.Contains("/api/v1/items/popular", StringComparison.Ordinal)),
            string.Join("\n", series));
        Assert.DoesNotContain(series, l => l.Contains("code=\"500\"", StringComparison.Ordinal));
    }
}
