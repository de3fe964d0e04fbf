namespace RecommenderService.Api.Tests.Security;

/// <summary>
/// Token rules beyond the signature: a lifetime no longer than the configured maximum, no critical header the
/// service does not understand (RFC 7515, section 4.1.11), and the configured <c>typ</c> where one is set.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TokenHeaderTests(PostgresFixture postgres) : IAsyncLifetime
{
    private RecommenderApiFactory _factory = null!;

    public async Task InitializeAsync() => _factory = await RecommenderApiFactory.CreateAsync(postgres, UserTokens.Settings(new()
    {
        ["Auth:Jwt:MaxLifetimeMinutes"] = "60",
        ["Auth:Jwt:ValidTypes:0"] = "at+jwt",
    }));

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private Task<HttpResponseMessage> ReadOwnRatingsAsync(string token) =>
        UserTokens.ClientFor(_factory, token).GetAsync("/api/v1/users/alice/ratings");

    [Fact]
    public async Task A_token_of_the_configured_type_within_the_maximum_lifetime_is_accepted()
    {
        var response = await ReadOwnRatingsAsync(UserTokens.For("alice", tokenType: "at+jwt", expires: DateTime.UtcNow.AddMinutes(59)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_token_that_lives_longer_than_the_maximum_is_a_401()
    {
        var now = DateTime.UtcNow;
        var response = await ReadOwnRatingsAsync(UserTokens.For("alice", tokenType: "at+jwt", notBefore: now.AddSeconds(-5), expires: now.AddDays(30)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("JWT")]
    [InlineData("id+jwt")]
    public async Task A_token_of_another_type_is_a_401(string type)
    {
        var response = await ReadOwnRatingsAsync(UserTokens.For("alice", tokenType: type));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_token_with_a_critical_header_the_service_does_not_know_is_a_401()
    {
        var token = UserTokens.For("alice", tokenType: "at+jwt", headers: new Dictionary<string, object>
        {
            ["crit"] = new[] { "exp-policy" },
            ["exp-policy"] = "strict",
        });

        var response = await ReadOwnRatingsAsync(token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
