namespace RecommenderService.Api.Tests.Model;

/// <summary>
/// How a retrain judges lists with the service's own settings: the popular list it would serve (<c>Popularity</c>) and
/// what counts as liked and disliked (<c>Training:LikedThreshold</c>, <c>Training:DislikedThreshold</c>).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ListJudgingTests(PostgresFixture postgres) : IAsyncLifetime
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
        // The damped mean pinned as the newcomer list, so it is the popular list served.
        var asConfigured = await RetrainedMetricsAsync(("Popularity:NewcomerList", "damped-mean"));
        // C = 0: items with one 5-star rating top the served list, which is a different list of the same data.
        var withoutPrior = await RetrainedMetricsAsync(("Popularity:NewcomerList", "damped-mean"), ("Popularity:PriorCount", "0"));

        double Served(JsonElement metrics) => metrics.GetProperty("servedPopularityNdcgAt10").GetDouble();
        Assert.NotEqual(Served(asConfigured), Served(withoutPrior));
        // The most-rated yardstick does not depend on it.
        Assert.Equal(asConfigured.GetProperty("popularityNdcgAt10").GetDouble(), withoutPrior.GetProperty("popularityNdcgAt10").GetDouble());
    }

    [Fact]
    public async Task The_liked_and_disliked_figures_use_the_configured_thresholds()
    {
        var asDefault = await RetrainedMetricsAsync();
        var strict = await RetrainedMetricsAsync(("Training:LikedThreshold", "5"), ("Training:DislikedThreshold", "1"));

        Assert.Equal(4, asDefault.GetProperty("likedThreshold").GetDouble());
        Assert.Equal(2, asDefault.GetProperty("dislikedThreshold").GetDouble());
        Assert.Equal(5, strict.GetProperty("likedThreshold").GetDouble());
        Assert.Equal(1, strict.GetProperty("dislikedThreshold").GetDouble());
        // The same data and seed give the same lists; only 5s count as liked and only 1s as disliked.
        Assert.Equal(asDefault.GetProperty("ndcgAt10").GetDouble(), strict.GetProperty("ndcgAt10").GetDouble());
        Assert.True(strict.GetProperty("likedPrecisionAt10").GetDouble() < asDefault.GetProperty("likedPrecisionAt10").GetDouble());
        Assert.True(strict.GetProperty("dislikedAt10").GetDouble() <= asDefault.GetProperty("dislikedAt10").GetDouble());
    }

    [Theory]
    [InlineData("Training:LikedThreshold", "9", "must be a rating on the service's scale, 1 to 5")]
    [InlineData("Training:DislikedThreshold", "4.5", "must be below Training:LikedThreshold")]
    public async Task Thresholds_off_the_rating_scale_stop_the_service_at_start(string key, string value, string message)
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var host = new RecommenderApiFactory(database, new Dictionary<string, string?> { [key] = value });

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => host.CreateClient());
        Assert.Contains(message, error.Message);
    }
}
