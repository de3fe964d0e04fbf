using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace RecommenderService.Api.Tests.Support;

/// <summary>
/// Mints end-user JWTs with a test signing key, as an identity provider would, and the host settings that
/// make the service accept them.
/// </summary>
public static class UserTokens
{
    public const string Issuer = "https://identity.test";
    public const string Audience = "recommender-test";

    /// <summary>48 bytes: above the 32-byte minimum for HS256.</summary>
    public const string SigningKey = "test-jwt-signing-key-0123456789-abcdefghijklmnop";

    public static Dictionary<string, string?> Settings(Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Auth:Jwt:Issuer"] = Issuer,
            ["Auth:Jwt:Audience"] = Audience,
            ["Auth:Jwt:SigningKey"] = SigningKey,
        };
        foreach (var (key, value) in more ?? []) settings[key] = value;
        return settings;
    }

    /// <summary>A token for <paramref name="userId"/>; every part can be spoiled for the negative cases.</summary>
    public static string For(string userId, string? audience = null, string? issuer = null, string? signingKey = null,
        DateTime? notBefore = null, DateTime? expires = null, SigningCredentials? credentials = null,
        IEnumerable<Claim>? claims = null, string? tokenType = null, IDictionary<string, object>? headers = null)
    {
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience ?? Audience,
            Subject = new ClaimsIdentity([new Claim("sub", userId), .. claims ?? []]),
            IssuedAt = (notBefore ?? now) < now ? notBefore : now,
            NotBefore = notBefore ?? now.AddSeconds(-5),
            Expires = expires ?? now.AddMinutes(10),
            SigningCredentials = credentials ?? new SigningCredentials(
                new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey ?? SigningKey)), SecurityAlgorithms.HmacSha256),
            TokenType = tokenType,
            AdditionalHeaderClaims = headers,
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    public static HttpClient ClientFor(RecommenderApiFactory factory, string token)
    {
        var client = factory.CreateClientWithKey(null);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
