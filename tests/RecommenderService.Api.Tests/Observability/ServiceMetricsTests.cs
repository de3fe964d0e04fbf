using RecommenderService.Api.Items.PopularItems;
using RecommenderService.Api.Users;

namespace RecommenderService.Api.Tests.Observability;

/// <summary>The serving, cache, ingest and rate-limit series of <c>/metrics</c>, read after real requests.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ServiceMetricsTests(PostgresFixture postgres) : TrainedServiceTests(postgres)
{
    private HttpClient _scraper = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _scraper = Factory.CreateClientWithKey(null);
    }

    [Fact]
    public async Task The_scrape_has_the_model_series_and_none_of_the_runtimes_internal_diagnostics()
    {
        var metrics = await MetricsText.ScrapeAsync(_scraper);

        Assert.DoesNotContain("private_internaldiagnostics", metrics.Text);
        Assert.True(metrics.Has("process_cpu_seconds_total"), "process series are kept");
        Assert.Equal(Version, metrics["recommender_active_model_version"]);
        // Trained five minutes ago; the test's own run time only adds to it.
        Assert.InRange(metrics["recommender_model_age_seconds"], 299, 3600);
        Assert.InRange(metrics["recommender_model_trained_timestamp_seconds"] - TrainedAt.ToUnixTimeMilliseconds() / 1000.0, -0.01, 0.01);
        Assert.Equal(3600, metrics["recommender_retrain_interval_seconds"]);
    }

    [Fact]
    public async Task Lists_are_counted_by_strategy_and_by_source()
    {
        var before = await MetricsText.ScrapeAsync(_scraper);

        await ListAsync(Ratings.Users[0]);
        await ListAsync("nobody-knows-me");
        await ListAsync("nobody-knows-me-either");

        var after = await MetricsText.ScrapeAsync(_scraper);
        Assert.Equal(1, Delta(before, after, "recommender_recommendations_total{strategy=\"model\",source=\"rating_head\"}"));
        Assert.Equal(2, Delta(before, after, "recommender_recommendations_total{strategy=\"popularity\",source=\"popularity\"}"));
    }

    [Fact]
    public async Task A_fold_in_is_counted_with_its_latency()
    {
        var user = Ratings.Users[3];
        var before = await MetricsText.ScrapeAsync(_scraper);

        var put = await Client.PutAsJsonAsync($"/api/v1/users/{user}/ratings/{Ratings.Items[0]}", new { rating = 5 });
        put.EnsureSuccessStatusCode();
        var list = await ListAsync(user);

        var after = await MetricsText.ScrapeAsync(_scraper);
        Assert.Contains("folded-in", list);
        Assert.Equal(1, Delta(before, after, "recommender_fold_in_duration_seconds_count"));
        Assert.True(after["recommender_fold_in_duration_seconds_sum"] > before["recommender_fold_in_duration_seconds_sum"]);
        Assert.Equal(1, Delta(before, after, "recommender_recommendations_total{strategy=\"folded-in\",source=\"rating_head\"}"));
    }

    [Fact]
    public async Task The_user_cache_counts_misses_hits_invalidations_and_its_size()
    {
        var user = Ratings.Users[5];
        // The model load reads every user's ratings ahead (Serving:WarmUserCache), in the background: let it finish, then
        // forget this one so its first list misses.
        await Factory.Services.GetRequiredService<RecommenderService.Api.Model.Loading.ActiveModelLoader>().UsersReadAhead;
        Factory.Services.GetRequiredService<UserRatingsCache>().Invalidate(user);
        var before = await MetricsText.ScrapeAsync(_scraper);

        await ListAsync(user);
        await ListAsync(user);
        var held = await MetricsText.ScrapeAsync(_scraper);
        (await Client.PutAsJsonAsync($"/api/v1/users/{user}/ratings/{Ratings.Items[1]}", new { rating = 1 })).EnsureSuccessStatusCode();

        var after = await MetricsText.ScrapeAsync(_scraper);
        Assert.Equal(1, Delta(before, held, "recommender_user_cache_requests_total{result=\"miss\"}"));
        Assert.Equal(1, Delta(before, held, "recommender_user_cache_requests_total{result=\"hit\"}"));
        Assert.Equal(1, Delta(before, held, "recommender_list_cache_requests_total{result=\"miss\"}"));
        Assert.Equal(1, Delta(before, held, "recommender_list_cache_requests_total{result=\"hit\"}"));
        Assert.True(held["recommender_user_cache_entries"] >= 1);
        Assert.True(Delta(held, after, "recommender_user_cache_evictions_total{reason=\"invalidated\"}") >= 1);
    }

    [Fact]
    public async Task Stored_ratings_are_counted_by_route()
    {
        var admin = Factory.CreateClientAsAdmin();
        var before = await MetricsText.ScrapeAsync(_scraper);

        (await Client.PutAsJsonAsync("/api/v1/users/m-1/ratings/m-item", new { rating = 3 })).EnsureSuccessStatusCode();
        (await Client.PostAsJsonAsync("/api/v1/ratings/batch", new
        {
            ratings = new[]
            {
                new { userId = "m-2", itemId = "m-item", rating = 4.0 },
                new { userId = "m-3", itemId = "m-item", rating = 2.0 },
                new { userId = "m-4", itemId = "m-item", rating = 5.0 },
            },
        })).EnsureSuccessStatusCode();
        (await admin.PostAsync("/api/v1/ratings/import", new StringContent("m-5,m-item,3\nm-6,m-item,4\n", Encoding.UTF8, "text/csv"))).EnsureSuccessStatusCode();

        var after = await MetricsText.ScrapeAsync(_scraper);
        Assert.Equal(1, Delta(before, after, "recommender_ingest_rows_total{route=\"single\"}"));
        Assert.Equal(3, Delta(before, after, "recommender_ingest_rows_total{route=\"batch\"}"));
        Assert.Equal(2, Delta(before, after, "recommender_ingest_rows_total{route=\"import\"}"));
    }

    [Fact]
    public async Task Popularity_refreshes_and_the_lists_age_are_exported()
    {
        await Factory.Services.GetRequiredService<PopularityCache>().RefreshAsync(CancellationToken.None);

        var metrics = await MetricsText.ScrapeAsync(_scraper);

        Assert.True(metrics["recommender_popularity_refreshes_total{result=\"ok\"}"] >= 1);
        Assert.True(metrics.Has("recommender_popularity_age_seconds"));
        Assert.InRange(metrics["recommender_popularity_age_seconds"], 0, 60);
        Assert.True(metrics["recommender_popularity_refresh_duration_seconds_count"] >= 1);
    }

    [Fact]
    public async Task Rate_limit_rejections_are_counted()
    {
        await using var limited = new RecommenderApiFactory(Factory.ConnectionString, new Dictionary<string, string?>
        {
            ["RateLimiting:ClientPermitsPerSecond"] = "1",
            ["RateLimiting:ClientBurst"] = "1",
        });
        var client = limited.CreateClientAsClient();

        var statuses = new List<HttpStatusCode>();
        for (var k = 0; k < 4; k++) statuses.Add((await client.GetAsync("/api/v1/items/popular")).StatusCode);

        var metrics = await MetricsText.ScrapeAsync(limited.CreateClientWithKey(null));
        Assert.Equal(statuses.Count(s => s == HttpStatusCode.TooManyRequests), metrics["recommender_rate_limit_rejections_total"]);
        Assert.True(metrics["recommender_rate_limit_rejections_total"] >= 1);
    }

    private async Task<string> ListAsync(string user)
    {
        var response = await Client.GetAsync($"/api/v1/users/{Uri.EscapeDataString(user)}/recommendations");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static double Delta(MetricsText before, MetricsText after, string series) => after[series] - before[series];
}
