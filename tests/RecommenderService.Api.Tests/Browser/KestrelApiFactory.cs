namespace RecommenderService.Api.Tests.Browser;

/// <summary>
/// The real host listening on a real loopback port (Kestrel), for clients outside the process: a browser
/// driven by Playwright, a generated TypeScript client. Same settings as <see cref="RecommenderApiFactory"/>.
/// </summary>
public sealed class KestrelApiFactory : IAsyncDisposable
{
    private readonly RecommenderApiFactory _factory;

    private KestrelApiFactory(RecommenderApiFactory factory)
    {
        _factory = factory;
        _factory.UseKestrel(0);
        _factory.StartServer();
        // After StartServer, ClientOptions.BaseAddress carries the port Kestrel bound.
        BaseAddress = _factory.ClientOptions.BaseAddress.ToString().TrimEnd('/');
    }

    /// <summary>e.g. http://127.0.0.1:41234</summary>
    public string BaseAddress { get; }

    public RecommenderApiFactory Factory => _factory;

    public static async Task<KestrelApiFactory> StartAsync(PostgresFixture postgres, IReadOnlyDictionary<string, string?>? settings = null) =>
        new(await RecommenderApiFactory.CreateAsync(postgres, settings));

    public ValueTask DisposeAsync() => _factory.DisposeAsync();
}
