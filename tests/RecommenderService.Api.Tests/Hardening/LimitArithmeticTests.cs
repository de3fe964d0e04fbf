using static RecommenderService.Api.Tests.Hardening.HardeningKit;

namespace RecommenderService.Api.Tests.Hardening;

/// <summary>
/// Every limit holds at the edges of the numbers that express it: a sum of two bounded values that overflows
/// 32 bits is still over the limit, and a number too large for its type is refused by name, never wrapped.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class LimitArithmeticTests(PostgresFixture postgres) : ServiceTests(postgres)
{
    [Theory]
    [InlineData("/api/v1/users/u1/recommendations?offset=2147483600&count=100", "offset")]
    [InlineData("/api/v1/users/u1/recommendations?offset=2147483647&count=1", "offset")]
    [InlineData("/api/v1/users/u1/recommendations?offset=401&count=100", "offset")]
    [InlineData("/api/v1/users/u1/recommendations?offset=99999999999999999999", "offset")]
    [InlineData("/api/v1/users/u1/recommendations?count=2147483648", "count")]
    [InlineData("/api/v1/users/u1/recommendations?count=-2147483649", "count")]
    [InlineData("/api/v1/items/popular?count=4294967297", "count")]
    [InlineData("/api/v1/users/u1/ratings?limit=4294967297", "limit")]
    [InlineData("/api/v1/users/u1/ratings?limit=-2147483648", "limit")]
    [InlineData("/api/v1/items/i1/similar?count=2147483647", "count")]
    public async Task Limits_hold_where_their_arithmetic_would_overflow(string path, string field)
    {
        var response = await Client.GetAsync(path);

        await AssertFieldProblemAsync(response, field);
    }

    [Fact]
    public async Task The_deepest_page_allowed_is_still_served()
    {
        var response = await Client.GetAsync("/api/v1/users/u1/recommendations?offset=400&count=100");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
