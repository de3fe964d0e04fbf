namespace RecommenderService.Api.Tests.Support;

/// <summary>
/// A test class whose every test gets a service of its own on a throwaway database, rate limiting off (tests send
/// bursts), with one client holding the client key and one holding the admin key.
/// </summary>
public abstract class ServiceTests(PostgresFixture postgres) : IAsyncLifetime
{
    protected RecommenderApiFactory Factory { get; private set; } = null!;

    protected HttpClient Client { get; private set; } = null!;

    protected HttpClient Admin { get; private set; } = null!;

    /// <summary>The service's settings; override to add some (e.g. <see cref="RetrainSettings.JobsOn"/> for retrains).</summary>
    protected virtual Dictionary<string, string?> Settings => new() { ["RateLimiting:Enabled"] = "false" };

    public virtual async Task InitializeAsync()
    {
        Factory = await RecommenderApiFactory.CreateAsync(postgres, Settings);
        Client = Factory.CreateClientAsClient();
        Admin = Factory.CreateClientAsAdmin();
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}
