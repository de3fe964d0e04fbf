using Xunit.Abstractions;

using RecommenderService.Api.Model.Training;
using RecommenderService.Api.Tests.Browser;

namespace RecommenderService.Api.Tests.Observability;

/// <summary>
/// The service on a real loopback port, scraped every second by a real Prometheus that also evaluates the
/// alert rules: a retrain and a swap are queried from Prometheus's HTTP API (not assumed), every query of the
/// Grafana dashboard returns data, and every alert rule evaluates without error.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PrometheusScrapeTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Training:JobsEnabled"] = "true",
        ["Training:QueuePollSeconds"] = "0.2",
        ["Training:PreloadSeconds"] = "0.3",
        ["Training:Cron"] = "0 0 1 1 *", // no scheduled retrain during the test
        ["Popularity:RefreshSeconds"] = "1",
        // Client keys get a tiny budget so the test can see 429s; the admin key (most calls here) is not limited.
        ["RateLimiting:ClientPermitsPerSecond"] = "1",
        ["RateLimiting:ClientBurst"] = "2",
        // The online figures are computed on every read, so the second round of traffic sees the first one's lists.
        ["Outcomes:FiguresCacheSeconds"] = "0",
    };

    private static readonly object Good = RetrainSettings.Good;

    [Fact]
    public async Task A_retrain_and_a_swap_are_visible_in_prometheus_and_every_dashboard_query_has_data()
    {
        if (!PrometheusServer.RequireOrSkip(output.WriteLine)) return;
        await using var service = await KestrelApiFactory.StartAsync(postgres, Settings);
        var ratings = TestData.ClusteredRatings();
        await TestData.InsertRatingsAsync(service.Factory.ConnectionString, ratings, DateTimeOffset.UtcNow.AddHours(-2));
        await using var prometheus = await PrometheusServer.StartAsync(new Uri(service.BaseAddress).Authority);
        await prometheus.WaitAsync(async () => (await prometheus.QueryAsync("up{job=\"recommender\"} == 1")).Count == 1,
            TimeSpan.FromSeconds(30), "Prometheus never scraped the service");

        using var admin = Client(service, RecommenderApiFactory.AdminKey);
        using var client = Client(service, RecommenderApiFactory.ClientKey);
        var version = await RetrainAsync(admin);
        // A stored version beside it and an experiment between the two, for the online and experiment panels.
        var stored = await TestData.StoreVersionAsync(service.Factory.ConnectionString, TestData.Train(ratings), "superseded");
        await Ok(admin.PostAsJsonAsync("/api/v1/model/experiments", new { treatment = stored, share = 0.5 }));
        // Two rounds of traffic with a scrape between them: rate() needs a counter that grows between two samples,
        // and a round that fits between two scrapes would first appear already at its final value (rate 0, and the
        // dashboard's ratios and quantiles NaN).
        await ServeTrafficAsync(admin, client, ratings);
        await ScrapedSinceNowAsync(prometheus);
        await ServeTrafficAsync(admin, client, ratings);
        // Read nothing before a scrape that started after the last request.
        await ScrapedSinceNowAsync(prometheus);

        // A retrain and a swap, as Prometheus recorded them.
        await prometheus.WaitAsync(async () => (await prometheus.QueryAsync("recommender_active_model_version{job=\"recommender\"}")).SingleOrDefault().Value == version,
            TimeSpan.FromSeconds(30), "Prometheus did not see the new model version");
        var retrains = await prometheus.QueryAsync("recommender_retrain_duration_seconds_count{job=\"recommender\"}");
        var retrainSeconds = await prometheus.QueryAsync("recommender_retrain_duration_seconds_sum{job=\"recommender\"}");
        var stages = await prometheus.QueryAsync("recommender_retrain_stage_duration_seconds_sum{job=\"recommender\"}");
        var age = await prometheus.QueryAsync("recommender_model_age_seconds{job=\"recommender\"}");
        var swaps = await prometheus.QueryAsync("recommender_model_swap_delay_seconds_count{job=\"recommender\"}");
        var swapSeconds = await prometheus.QueryAsync("recommender_model_swap_delay_seconds_sum{job=\"recommender\"}");
        var activated = await prometheus.QueryAsync("recommender_retrains_total{job=\"recommender\",outcome=\"activated\"}");

        Assert.Equal(1, Assert.Single(retrains).Value);
        Assert.True(Assert.Single(retrainSeconds).Value > 0);
        Assert.Equal(RetrainStage.All.Order(), stages.Select(s => s.Labels["stage"]).Order());
        Assert.InRange(Assert.Single(age).Value, 0, 600);
        Assert.Equal(1, Assert.Single(swaps).Value);
        Assert.Equal(1, Assert.Single(activated).Value);
        output.WriteLine(FormattableString.Invariant($"retrain {retrainSeconds[0].Value:F2} s; swap delay {swapSeconds[0].Value * 1000:F1} ms; model age {age[0].Value:F1} s"));
        foreach (var (labels, value) in stages.OrderBy(s => s.Labels["stage"]))
            output.WriteLine(FormattableString.Invariant($"  stage {labels["stage"]}: {value:F3} s"));

        // Every query of the dashboard returns at least one finite value.
        var empty = new List<string>();
        foreach (var (panel, expr) in DashboardQueries())
        {
            var samples = await prometheus.QueryAsync(Substitute(expr));
            if (!samples.Any(s => double.IsFinite(s.Value))) empty.Add($"{panel}: {expr}");
        }
        Assert.True(empty.Count == 0, "dashboard queries without data:\n" + string.Join("\n", empty));

        // Every alert rule is loaded and evaluates without error against the real series.
        await prometheus.WaitAsync(async () => Rules(await prometheus.RulesAsync()).All(r => r.Health == "ok"),
            TimeSpan.FromSeconds(30), "alert rules did not all evaluate");
        var rules = Rules(await prometheus.RulesAsync());
        Assert.Equal(8, rules.Count);
        Assert.All(rules, rule => Assert.True(rule.Health == "ok", $"{rule.Name}: {rule.Health} {rule.Error}"));
    }

    private static async Task ScrapedSinceNowAsync(PrometheusServer prometheus)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        await prometheus.WaitAsync(async () => (await prometheus.QueryAsync("timestamp(up{job=\"recommender\"})")).Single().Value > now + 0.1,
            TimeSpan.FromSeconds(30), "Prometheus did not scrape after the traffic");
    }

    private static HttpClient Client(KestrelApiFactory service, string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(service.BaseAddress) };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    private static async Task<int> RetrainAsync(HttpClient admin)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/model/retrain", Good);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var jobId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetString();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var job = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/model/jobs/{jobId}");
            if (job.GetProperty("state").GetString() is "succeeded" or "failed")
            {
                Assert.True(job.GetProperty("modelStatus").GetString() == "active", job.ToString());
                return job.GetProperty("modelVersion").GetInt32();
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"retrain job {jobId} did not finish");
            await Task.Delay(100);
        }
    }

    /// <summary>A little of everything the dashboard shows: lists of each kind, a fold-in, cache hits, every ingest route, 429s.</summary>
    private static async Task ServeTrafficAsync(HttpClient admin, HttpClient client, Engine.RatingSet ratings)
    {
        for (var k = 0; k < 5; k++)
        {
            var shown = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{ratings.Users[k]}/recommendations");
            var first = shown.GetProperty("items")[0].GetProperty("itemId").GetString();
            await Ok(admin.PostAsJsonAsync("/api/v1/events", new
            {
                events = new[] { new { userId = ratings.Users[k], itemId = first, type = "click", recommendationId = shown.GetProperty("recommendationId").GetString() } },
            }));
            await Ok(admin.GetAsync($"/api/v1/users/{ratings.Users[k]}/recommendations")); // cache hits
            await Ok(admin.GetAsync($"/api/v1/users/cold-{k}/recommendations"));
        }
        await Ok(admin.PutAsJsonAsync($"/api/v1/users/{ratings.Users[7]}/ratings/{ratings.Items[0]}", new { rating = 5 }));
        var folded = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{ratings.Users[7]}/recommendations");
        Assert.True(folded.GetProperty("strategy").GetString() == "folded-in", folded.ToString());
        await Ok(admin.PostAsJsonAsync("/api/v1/ratings/batch", new { ratings = new[] { new { userId = "p-1", itemId = ratings.Items[1], rating = 4.0 } } }));
        await Ok(admin.PostAsync("/api/v1/ratings/import", new StringContent($"p-2,{ratings.Items[2]},3\n", Encoding.UTF8, "text/csv")));
        // The online figures of the lists served so far (their impressions are written in the background) and the experiment's.
        await Ok(admin.GetAsync("/api/v1/model/versions"));
        await Ok(admin.GetAsync("/api/v1/model/experiments"));
        var limited = 0;
        for (var k = 0; k < 6; k++)
            if ((await client.GetAsync("/api/v1/items/popular")).StatusCode == HttpStatusCode.TooManyRequests) limited++;
        Assert.True(limited > 0, "the client key was never rate limited");
    }

    private static async Task Ok(Task<HttpResponseMessage> request)
    {
        var response = await request;
        Assert.True(response.IsSuccessStatusCode, $"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Every target of every panel of deploy/monitoring/grafana-dashboard.json.</summary>
    private static IEnumerable<(string Panel, string Expr)> DashboardQueries()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(PrometheusServer.MonitoringFolder, "grafana-dashboard.json")));
        var queries = new List<(string, string)>();
        foreach (var panel in dashboard.RootElement.GetProperty("panels").EnumerateArray())
        {
            if (!panel.TryGetProperty("targets", out var targets)) continue;
            foreach (var target in targets.EnumerateArray())
                queries.Add((panel.GetProperty("title").GetString()!, target.GetProperty("expr").GetString()!));
        }
        Assert.NotEmpty(queries);
        return queries;
    }

    /// <summary>Grafana's variables as the dashboard would set them over this short run.</summary>
    private static string Substitute(string expr) => expr
        .Replace("$__rate_interval", "1m", StringComparison.Ordinal)
        .Replace("$__range", "10m", StringComparison.Ordinal)
        .Replace("$job", "recommender", StringComparison.Ordinal);

    private sealed record Rule(string Name, string Health, string? Error);

    private static List<Rule> Rules(JsonElement groups) =>
        groups.EnumerateArray().SelectMany(g => g.GetProperty("rules").EnumerateArray())
            .Select(r => new Rule(r.GetProperty("name").GetString()!, r.GetProperty("health").GetString()!,
                r.TryGetProperty("lastError", out var e) ? e.GetString() : null))
            .ToList();
}
