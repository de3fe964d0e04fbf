using System.Diagnostics;

namespace RecommenderService.Api.Tests.Observability;

/// <summary>The <c>X-Request-Id</c> of a response is the request's trace id unless the caller sent its own.</summary>
[Collection(PostgresCollection.Name)]
public sealed class RequestIdTests(PostgresFixture postgres) : ServiceTests(postgres)
{
    private const string Header = "X-Request-Id";

    [Fact]
    public async Task Without_an_id_the_response_carries_the_trace_id_of_the_request()
    {
        // A caller that continues its own trace (W3C traceparent) knows the trace id in advance.
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/items/popular");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");

        var response = await Factory.CreateClientAsClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(traceId, Assert.Single(response.Headers.GetValues(Header)));
    }

    [Fact]
    public async Task Every_response_has_a_fresh_trace_id_as_its_request_id()
    {
        var client = Factory.CreateClientAsClient();

        var first = await client.GetAsync("/api/v1/items/popular");
        var second = await client.GetAsync("/api/v1/items/popular");

        var a = Assert.Single(first.Headers.GetValues(Header));
        var b = Assert.Single(second.Headers.GetValues(Header));
        Assert.Matches("^[0-9a-f]{32}$", a);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public async Task A_well_formed_id_from_the_caller_is_echoed_and_a_malformed_one_replaced()
    {
        var client = Factory.CreateClientAsClient();
        var own = new HttpRequestMessage(HttpMethod.Get, "/api/v1/items/popular");
        own.Headers.Add(Header, "frontend-42.abc");
        var odd = new HttpRequestMessage(HttpMethod.Get, "/api/v1/items/popular");
        odd.Headers.TryAddWithoutValidation(Header, "has spaces\tand tabs");

        var echoed = await client.SendAsync(own);
        var replaced = await client.SendAsync(odd);

        Assert.Equal("frontend-42.abc", Assert.Single(echoed.Headers.GetValues(Header)));
        Assert.Matches("^[0-9a-f]{32}$", Assert.Single(replaced.Headers.GetValues(Header)));
    }

    [Fact]
    public async Task Problem_responses_carry_the_request_id_too()
    {
        var unauthorised = await Factory.CreateClientWithKey(null).GetAsync("/api/v1/items/popular");
        var notFound = await Factory.CreateClientAsClient().GetAsync("/api/v1/items/no-such-item");

        Assert.Equal(HttpStatusCode.Unauthorized, unauthorised.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Matches("^[0-9a-f]{32}$", Assert.Single(unauthorised.Headers.GetValues(Header)));
        Assert.Matches("^[0-9a-f]{32}$", Assert.Single(notFound.Headers.GetValues(Header)));
    }
}
