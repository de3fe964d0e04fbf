namespace RecommenderService.Api.Tests.Support;

/// <summary>
/// A test class whose every test gets a service of its own on a throwaway database, rate limiting off (tests send
/// bursts), with one client holding the client key and one holding the admin key.
/// </summary>
public abstract class ServiceTests(PostgresFixture postgres) : IAsyncLifetime
{
    /// <summary>The shared PostgreSQL server, for a test that starts another host of its own.</summary>
    protected PostgresFixture Postgres { get; } = postgres;

    protected RecommenderApiFactory Factory { get; private set; } = null!;

    protected HttpClient Client { get; private set; } = null!;

    protected HttpClient Admin { get; private set; } = null!;

    /// <summary>
    /// The host's configuration: rate limiting off. Override for another one (all of it: e.g. an empty set for the
    /// service as deployed, <see cref="RetrainSettings.JobsOn"/> for retrains).
    /// </summary>
    protected virtual Dictionary<string, string?> Settings => new() { ["RateLimiting:Enabled"] = "false" };

    public virtual async Task InitializeAsync()
    {
        Factory = await RecommenderApiFactory.CreateAsync(Postgres, Settings);
        Client = Factory.CreateClientAsClient();
        Admin = Factory.CreateClientAsAdmin();
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}
