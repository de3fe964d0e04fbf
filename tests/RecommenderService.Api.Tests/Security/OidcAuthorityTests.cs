using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace RecommenderService.Api.Tests.Security;

/// <summary>
/// <c>Auth:Jwt:Authority</c>: the service finds the issuer's signing keys by OpenID Connect discovery and
/// accepts tokens they signed, and only those.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OidcAuthorityTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Tokens_signed_with_the_discovered_keys_are_accepted_and_others_refused()
    {
        await using var identity = await TestIdentityProvider.StartAsync();
        await using var factory = await RecommenderApiFactory.CreateAsync(postgres, new Dictionary<string, string?>
        {
            ["Auth:Jwt:Issuer"] = identity.Issuer,
            ["Auth:Jwt:Audience"] = UserTokens.Audience,
            ["Auth:Jwt:Authority"] = identity.Issuer,
        });
        using var stranger = RSA.Create(2048);
        var forged = new SigningCredentials(new RsaSecurityKey(stranger) { KeyId = "test-key-1" }, SecurityAlgorithms.RsaSha256);

        var own = await UserTokens.ClientFor(factory, UserTokens.For("carol", issuer: identity.Issuer, credentials: identity.Credentials))
            .GetAsync("/api/v1/users/carol/ratings");
        var other = await UserTokens.ClientFor(factory, UserTokens.For("carol", issuer: identity.Issuer, credentials: identity.Credentials))
            .GetAsync("/api/v1/users/dave/ratings");
        var fake = await UserTokens.ClientFor(factory, UserTokens.For("carol", issuer: identity.Issuer, credentials: forged))
            .GetAsync("/api/v1/users/carol/ratings");
        var hmac = await UserTokens.ClientFor(factory, UserTokens.For("carol", issuer: identity.Issuer))
            .GetAsync("/api/v1/users/carol/ratings");

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, fake.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, hmac.StatusCode);
    }
}
