using System.Net.Http.Json;
using System.Text.Json;
using RecommenderService.Api.Tests.Infrastructure;

namespace RecommenderService.Api.Tests.Lifecycle;

/// <summary>The gate judges the popular list the service would serve, made with the service's own Popularity settings.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ServedPopularityTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly List<RecommenderApiFactory> _hosts = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts) await host.DisposeAsync();
    }

    private async Task<JsonElement> RetrainedMetricsAsync(params (string Key, string? Value)[] settings)
    {
        var database = await postgres.CreateDatabaseAsync();
        var host = new RecommenderApiFactory(database, RetrainSettings.JobsOn(settings));
        _hosts.Add(host);
        host.CreateClient(); // migrations
        await TestData.InsertRatingsAsync(database, TestData.ClusteredRatings(), DateTimeOffset.UtcNow.AddHours(-2));
        var admin = host.CreateClientAsAdmin();
        var (_, job) = await RetrainDriver.RetrainAndWaitAsync(admin, RetrainSettings.Good);
        Assert.True(job.GetProperty("state").GetString() == "succeeded", job.ToString());
        return (await admin.GetFromJsonAsync<JsonElement>("/api/v1/model")).GetProperty("metrics");
    }

    [Fact]
    public async Task The_popular_list_a_version_is_judged_against_follows_the_configured_prior_count()
    {
        var asConfigured = await RetrainedMetricsAsync();
        // C = 0: items with one 5-star rating top the served list, which is a different list of the same data.
        var withoutPrior = await RetrainedMetricsAsync(("Popularity:PriorCount", "0"));

        double Served(JsonElement metrics) => metrics.GetProperty("servedPopularityNdcgAt10").GetDouble();
        Assert.NotEqual(Served(asConfigured), Served(withoutPrior));
        // The most-rated yardstick does not depend on it.
        Assert.Equal(asConfigured.GetProperty("popularityNdcgAt10").GetDouble(), withoutPrior.GetProperty("popularityNdcgAt10").GetDouble());
    }
}
