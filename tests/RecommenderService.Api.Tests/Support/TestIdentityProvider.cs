using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace RecommenderService.Api.Tests.Support;

/// <summary>
/// A minimal OpenID Connect issuer on a loopback port: a discovery document and a JWKS with one RSA key,
/// so the service's <c>Auth:Jwt:Authority</c> mode is tested against real discovery over HTTP.
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RSA _rsa;

    private TestIdentityProvider(WebApplication app, RSA rsa, string issuer)
    {
        _app = app;
        _rsa = rsa;
        Issuer = issuer;
    }

    /// <summary>e.g. http://127.0.0.1:41000, also the authority.</summary>
    public string Issuer { get; }

    public SigningCredentials Credentials => new(new RsaSecurityKey(_rsa) { KeyId = "test-key-1" }, SecurityAlgorithms.RsaSha256);

    public static async Task<TestIdentityProvider> StartAsync()
    {
        var rsa = RSA.Create(2048);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        string issuer = "";
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = issuer,
            ["jwks_uri"] = issuer + "/jwks",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        }));
        app.MapGet("/jwks", () =>
        {
            var key = rsa.ExportParameters(false);
            return Results.Json(new
            {
                keys = new[]
                {
                    new Dictionary<string, string>
                    {
                        ["kty"] = "RSA", ["use"] = "sig", ["alg"] = "RS256", ["kid"] = "test-key-1",
                        ["n"] = Base64UrlEncoder.Encode(key.Modulus), ["e"] = Base64UrlEncoder.Encode(key.Exponent),
                    },
                },
            });
        });
        await app.StartAsync();
        issuer = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/');
        return new TestIdentityProvider(app, rsa, issuer);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _rsa.Dispose();
    }
}
