using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace RecommenderService.Api.Tests.Support;

/// <summary>
/// The real host, in process, on its own fresh PostgreSQL database of the shared test server; requests go
/// through the whole pipeline (authentication, validation, EF, Npgsql).
/// </summary>
public sealed class RecommenderApiFactory(string connectionString, IReadOnlyDictionary<string, string?>? settings = null)
    : WebApplicationFactory<Program>
{
    public const string ClientKey = "test-client-key-0123456789";
    public const string AdminKey = "test-admin-key-0123456789";

    public string ConnectionString { get; } = connectionString;

    /// <summary>A factory on a brand-new database of <paramref name="postgres"/>.</summary>
    public static async Task<RecommenderApiFactory> CreateAsync(PostgresFixture postgres, IReadOnlyDictionary<string, string?>? settings = null) =>
        new(await postgres.CreateDatabaseAsync(), settings);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Recommender", ConnectionString);
        builder.UseSetting("Auth:ClientKeys:0", ClientKey);
        builder.UseSetting("Auth:AdminKeys:0", AdminKey);
        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
        // Hangfire servers only where a test is about jobs (LifecycleTests turn them on).
        builder.UseSetting("Training:JobsEnabled", "false");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            builder.UseSetting(key, value);
    }

    /// <summary>
    /// Also closes the idle connections Hangfire left in Npgsql's pool for this connection string: that pool is
    /// process-wide (keyed by the string, not owned by the host), so without this every jobs-enabled host keeps
    /// about ten server connections open for minutes and a full run exhausts the server's max_connections.
    /// </summary>
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        using var connection = new Npgsql.NpgsqlConnection(ConnectionString);
        Npgsql.NpgsqlConnection.ClearPool(connection);
    }

    public HttpClient CreateClientWithKey(string? apiKey)
    {
        var client = CreateClient();
        if (apiKey is not null) client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    public HttpClient CreateClientAsClient() => CreateClientWithKey(ClientKey);
    public HttpClient CreateClientAsAdmin() => CreateClientWithKey(AdminKey);
}
