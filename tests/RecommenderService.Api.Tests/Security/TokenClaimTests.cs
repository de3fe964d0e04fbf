using System.Security.Claims;

namespace RecommenderService.Api.Tests.Security;

/// <summary>
/// What a user token claims about itself grants nothing: roles come from API keys, or from the one claim type and
/// value a deployment configures; the rate-limit bucket is the token's <c>sub</c>, whatever name claim it carries.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TokenClaimTests(PostgresFixture postgres) : IAsyncLifetime
{
    private RecommenderApiFactory _factory = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _factory = await RecommenderApiFactory.CreateAsync(postgres, UserTokens.Settings(new()
        {
            ["Auth:Jwt:AdminClaimType"] = "recommender_admin",
            ["Auth:Jwt:AdminClaimValue"] = "yes",
        }));
        _admin = _factory.CreateClientAsAdmin();
        (await _admin.PutAsJsonAsync("/api/v1/users/bob/ratings/film-1", new { rating = 4 })).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    public static TheoryData<string, string> RoleClaims() => new()
    {
        { ClaimTypes.Role, "admin" },
        { ClaimTypes.Role, "client" },
        { "role", "admin" },
        { "roles", "admin" },
        { "recommender_admin", "no" },
    };

    [Theory]
    [MemberData(nameof(RoleClaims))]
    public async Task A_role_claim_in_a_user_token_grants_nothing(string type, string value)
    {
        var mallory = UserTokens.ClientFor(_factory, UserTokens.For("mallory", claims: [new Claim(type, value)]));

        var otherUser = await mallory.GetAsync("/api/v1/users/bob/ratings");
        var erase = await mallory.DeleteAsync("/api/v1/users/bob");
        var retrain = await mallory.PostAsJsonAsync("/api/v1/model/retrain", new { });

        Assert.Equal(HttpStatusCode.Forbidden, otherUser.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, erase.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, retrain.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _admin.GetAsync("/api/v1/users/bob/ratings")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await mallory.GetAsync("/api/v1/users/mallory/ratings")).StatusCode);
    }

    [Fact]
    public async Task The_configured_admin_claim_type_and_value_make_a_token_an_admin()
    {
        var operatorToken = UserTokens.ClientFor(_factory, UserTokens.For("ops", claims: [new Claim("recommender_admin", "yes")]));

        var otherUser = await operatorToken.GetAsync("/api/v1/users/bob/ratings");

        Assert.Equal(HttpStatusCode.OK, otherUser.StatusCode);
    }

    [Fact]
    public async Task A_name_claim_does_not_choose_the_rate_limit_bucket()
    {
        await using var limited = new RecommenderApiFactory(_factory.ConnectionString, UserTokens.Settings(new()
        {
            ["RateLimiting:ClientPermitsPerSecond"] = "1",
            ["RateLimiting:ClientBurst"] = "50",
        }));
        // Both claim the same name: a shared bucket would let one spend the other's budget.
        var alice = UserTokens.ClientFor(limited, UserTokens.For("alice", claims: [new Claim(ClaimTypes.Name, "shared")]));
        var bob = UserTokens.ClientFor(limited, UserTokens.For("bob", claims: [new Claim(ClaimTypes.Name, "shared")]));
        // A fresh name on every request must not mean a fresh budget.
        HttpResponseMessage last = null!;
        for (var k = 0; k < 6; k++)
            last = await UserTokens.ClientFor(limited, UserTokens.For("carol", claims: [new Claim(ClaimTypes.Name, "n" + k)]))
                .GetAsync("/api/v1/users/carol/ratings");

        for (var k = 0; k < 6; k++) await alice.GetAsync("/api/v1/users/alice/ratings");
        var other = await bob.GetAsync("/api/v1/users/bob/ratings");

        int Remaining(HttpResponseMessage r) => int.Parse(r.Headers.GetValues("RateLimit-Remaining").Single());
        Assert.Equal(49, Remaining(other));
        Assert.True(Remaining(last) < 49, $"carol has {Remaining(last)} left after six requests under six names");
    }
}
