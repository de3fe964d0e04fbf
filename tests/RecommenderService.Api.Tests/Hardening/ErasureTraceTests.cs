using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.AspNetCore.TestHost;
using RecommenderService.Api.Privacy;
using RecommenderService.Api.Users.Erasure;
using Serilog.Core;
using Serilog.Events;

namespace RecommenderService.Api.Tests.Hardening;

/// <summary>
/// An erasure forgets: the record of who was erased keeps only keyed hashes (a dictionary of likely ids cannot
/// reverse them without the key), and request logs and traces name routes and keyed user hashes, never a raw user id.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ErasureTraceTests(PostgresFixture postgres) : TrainedServiceTests(postgres)
{
    private const string HashKey = "erasure-trace-test-key-0123456789abcdef";
    private const string Secret = "jane.doe.4711@example.com";

    protected override Dictionary<string, string?> Settings => new()
    {
        ["RateLimiting:Enabled"] = "false",
        ["Privacy:IdHashKey"] = HashKey,
    };

    [Fact]
    public async Task An_erased_user_is_recorded_as_a_keyed_hash_that_a_plain_hash_dictionary_does_not_find()
    {
        await RateAsync(Client, Secret);

        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync($"/api/v1/users/{Uri.EscapeDataString(Secret)}")).StatusCode);

        var (hash, keyId) = Assert.Single(await ErasedRowsAsync());
        Assert.NotEqual(Sha256(Secret), hash);
        Assert.Equal(HMACSHA256.HashData(Encoding.UTF8.GetBytes(HashKey), Sha256(Secret)), hash);
        Assert.Equal(new IdHashKey(HashKey).Id, keyId);
        Assert.True(Factory.Services.GetRequiredService<ErasedUsers>().IsErased(Secret));
    }

    [Fact]
    public async Task Erasures_recorded_as_plain_sha256_are_rekeyed_at_start_up_and_still_recognised()
    {
        await using (var connection = new NpgsqlConnection(Factory.ConnectionString))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand("INSERT INTO erased_users (external_id_hash, key_id) VALUES ($1, 'sha256')", connection);
            insert.Parameters.AddWithValue(Sha256(Secret));
            await insert.ExecuteNonQueryAsync();
        }

        await using var restarted = new RecommenderApiFactory(Factory.ConnectionString, Settings);
        var erased = await LoadedErasuresAsync(restarted);

        Assert.True(erased.IsErased(Secret));
        Assert.False(erased.IsErased("someone-else"));
        var (hash, keyId) = Assert.Single(await ErasedRowsAsync());
        Assert.Equal(new IdHashKey(HashKey).Rekey(Sha256(Secret)), hash);
        Assert.Equal(new IdHashKey(HashKey).Id, keyId);
    }

    [Fact]
    public async Task Erasures_made_under_a_previous_key_are_recognised_after_the_key_rotates()
    {
        await RateAsync(Client, Secret);
        await Admin.DeleteAsync($"/api/v1/users/{Uri.EscapeDataString(Secret)}");

        var rotated = new Dictionary<string, string?>(Settings)
        {
            ["Privacy:IdHashKey"] = "a-new-key-after-rotation-0123456789abcdef",
            ["Privacy:PreviousIdHashKeys:0"] = HashKey,
        };
        await using var restarted = new RecommenderApiFactory(Factory.ConnectionString, rotated);
        var erased = await LoadedErasuresAsync(restarted);

        Assert.True(erased.IsErased(Secret));
        Assert.False(erased.IsErased("someone-else"));
    }

    [Fact]
    public async Task A_hash_key_shorter_than_32_characters_stops_the_start()
    {
        var weak = new Dictionary<string, string?>(Settings) { ["Privacy:IdHashKey"] = "short" };
        await using var factory = new RecommenderApiFactory(Factory.ConnectionString, weak);

        var failure = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("Privacy:IdHashKey", failure.ToString());
    }

    [Fact]
    public async Task Request_logs_name_the_route_and_a_keyed_user_hash_never_the_user_id()
    {
        var sink = new CollectingLogSink();
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        await using var logged = new RecommenderApiFactory(Factory.ConnectionString,
            new Dictionary<string, string?>(Settings) { ["Serilog:MinimumLevel:Default"] = "Information" });
        var host = logged.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<ILogEventSink>(sink)));
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", RecommenderApiFactory.ClientKey);
        var admin = host.CreateClient();
        admin.DefaultRequestHeaders.Add("X-Api-Key", RecommenderApiFactory.AdminKey);
        var user = Uri.EscapeDataString(Secret);

        await RateAsync(client, Secret);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/users/{user}/recommendations")).StatusCode);
        await client.GetAsync($"/api/v1/users/{user}/predictions/1");
        await client.GetAsync($"/api/v1/users/{user}/no-such-route");
        // In an outage the service logs warnings while the request runs: they must not name the user either.
        await DatabaseOutage.SetReachableAsync(Postgres, Factory.ConnectionString, false);
        try
        {
            await client.GetAsync($"/api/v1/users/{user}/recommendations?count=3");
            await client.GetAsync($"/api/v1/users/{user}/ratings");
        }
        finally
        {
            await DatabaseOutage.SetReachableAsync(Postgres, Factory.ConnectionString, true);
        }
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/users/{user}")).StatusCode);

        var line = await sink.WaitForAsync(e => IsRequestLine(e, "DELETE", "/api/v1/users/{userId}"));
        Assert.Equal($"\"{logged.Services.GetRequiredService<KeyedIds>().LogKey(Secret)}\"", line.Properties["UserKey"].ToString());
        await sink.WaitForAsync(e => IsRequestLine(e, "GET", "/api/v1/users/{userId}/recommendations") && e.Properties["StatusCode"].ToString() == "200");
        var leaks = sink.Events.Where(e => Mentions(e, Secret) || Mentions(e, user)).Select(e => e.RenderMessage()).ToList();
        Assert.Empty(leaks);
        var ours = spans.Where(span => span.GetTagItem("url.path") is "/api/v1/users/{userId}/recommendations").ToList();
        Assert.NotEmpty(ours);
        Assert.DoesNotContain(spans, span => span.TagObjects.Any(tag => tag.Value?.ToString()?.Contains(Secret) == true
                                                                          || tag.Value?.ToString()?.Contains(user) == true));
    }

    /// <summary>A replica that has started and read the recorded erasures (re-keying plain ones as it does).</summary>
    private static async Task<ErasedUsers> LoadedErasuresAsync(RecommenderApiFactory replica)
    {
        replica.CreateClient();
        var erased = replica.Services.GetRequiredService<ErasedUsers>();
        for (var wait = 0; wait < 200 && !erased.IsLoaded; wait++) await Task.Delay(50);
        Assert.True(erased.IsLoaded);
        return erased;
    }

    private static bool IsRequestLine(LogEvent e, string method, string route) =>
        e.Properties.TryGetValue("RequestRoute", out var value) && value.ToString() == $"\"{route}\""
        && e.Properties.TryGetValue("RequestMethod", out var m) && m.ToString() == $"\"{method}\"";

    private static bool Mentions(LogEvent e, string text) =>
        e.RenderMessage().Contains(text, StringComparison.OrdinalIgnoreCase)
        || e.Properties.Values.Any(p => p.ToString().Contains(text, StringComparison.OrdinalIgnoreCase))
        || (e.Exception?.ToString().Contains(text, StringComparison.OrdinalIgnoreCase) ?? false);

    private static async Task RateAsync(HttpClient client, string userId) =>
        (await client.PutAsJsonAsync($"/api/v1/users/{Uri.EscapeDataString(userId)}/ratings/1", new { rating = 4.0 })).EnsureSuccessStatusCode();

    private async Task<List<(byte[] Hash, string KeyId)>> ErasedRowsAsync()
    {
        await using var connection = new NpgsqlConnection(Factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT external_id_hash, key_id FROM erased_users", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(byte[], string)>();
        while (await reader.ReadAsync()) rows.Add((reader.GetFieldValue<byte[]>(0), reader.GetString(1)));
        return rows;
    }

    private static byte[] Sha256(string id) => SHA256.HashData(Encoding.UTF8.GetBytes(id));
}
