using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace RecommenderService.Api.Tests.Browser;

/// <summary>
/// A stand-in for a frontend: one blank HTML page served on two loopback ports, i.e. two origins, so a
/// browser test can call the service from a page on an allowed origin and from one on another origin.
/// </summary>
public sealed class StaticPageServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StaticPageServer(WebApplication app, string[] origins)
    {
        _app = app;
        Origins = origins;
    }

    /// <summary>Two origins, e.g. http://127.0.0.1:40001 and http://127.0.0.1:40002.</summary>
    public IReadOnlyList<string> Origins { get; }

    public static async Task<StaticPageServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0", "http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/", () => Results.Content("<!doctype html><html><head><title>Shop</title></head><body><p>A frontend page</p></body></html>", "text/html"));
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => a.TrimEnd('/')).ToArray();
        return new StaticPageServer(app, addresses);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
