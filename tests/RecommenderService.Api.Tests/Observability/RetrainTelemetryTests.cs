using System.Collections.Concurrent;
using System.Diagnostics;
using RecommenderService.Api.Model.Training;
using RecommenderService.Api.Observability;

namespace RecommenderService.Api.Tests.Observability;

/// <summary>
/// A real retrain through Hangfire on two replicas, read back from <c>/metrics</c> and from the spans: stage
/// durations, outcomes, holdout figures of the candidate and the active model, and each replica's swap delay.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RetrainTelemetryTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> JobsOn =
        RetrainSettings.JobsOn(("Training:PollSeconds", "30"), ("Training:PreloadSeconds", "0.3"));

    private static readonly object Good = RetrainSettings.Good;

    private readonly List<RecommenderApiFactory> _hosts = [];
    private string _database = null!;

    public async Task InitializeAsync()
    {
        _database = await postgres.CreateDatabaseAsync();
        Host().CreateClient(); // migrations
        await TestData.InsertRatingsAsync(_database, TestData.ClusteredRatings(), DateTimeOffset.UtcNow.AddHours(-2));
    }

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts) await host.DisposeAsync();
    }
    [Fact]
    public async Task A_retrain_shows_every_stage_its_outcome_its_figures_and_both_replicas_swap_delays()
    {
        var a = Host();
        var b = Host();
        var admin = a.CreateClientAsAdmin();
        await b.CreateClientAsAdmin().GetAsync("/health/live");

        var job = await RetrainAndWaitAsync(admin, Good);
        var version = job.GetProperty("modelVersion").GetInt32();
        var figures = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/model")).GetProperty("metrics");
        await WaitUntilAsync(async () => (await ScrapeAsync(b))["recommender_active_model_version"] == version);
        // Every host runs a Hangfire server, so any of them (the first one too) may have trained.
        var all = await ScrapeAllAsync();
        var scrapes = new[] { await ScrapeAsync(a), await ScrapeAsync(b) };

        Assert.Equal("active", job.GetProperty("modelStatus").GetString());
        foreach (var stage in RetrainStage.All)
            Assert.True(Sum(all, $"recommender_retrain_stage_duration_seconds_count{{stage=\"{stage}\"}}") == 1, stage);
        Assert.Equal(1, Sum(all, "recommender_retrains_total{outcome=\"activated\",reason=\"none\"}"));
        Assert.Equal(1, Sum(all, "recommender_retrain_duration_seconds_count"));
        foreach (var scrape in scrapes)
        {
            Assert.Equal(version, scrape["recommender_active_model_version"]);
            Assert.Equal(1, scrape["recommender_model_swap_delay_seconds_count"]);
            Assert.True(scrape.Has("recommender_model_age_seconds"));
            Assert.Equal(figures.GetProperty("rmse").GetDouble(), scrape["recommender_model_holdout_rmse{model=\"active\"}"], 6);
            Assert.Equal(figures.GetProperty("ndcgAt10").GetDouble(), scrape["recommender_model_holdout_ndcg_at_10{model=\"active\"}"], 6);
            Assert.Equal(figures.GetProperty("popularityNdcgAt10").GetDouble(), scrape["recommender_model_holdout_popularity_ndcg_at_10{model=\"active\"}"], 6);
            Assert.Equal(figures.GetProperty("servedPopularityNdcgAt10").GetDouble(), scrape["recommender_model_holdout_served_popularity_ndcg_at_10{model=\"active\"}"], 6);
        }
        // The candidate's figures are on the replica that trained it (whichever Hangfire server took the job).
        var trainer = all.Single(s => s.Has("recommender_model_holdout_rmse{model=\"candidate\"}"));
        Assert.Equal(figures.GetProperty("mae").GetDouble(), trainer["recommender_model_holdout_mae{model=\"candidate\"}"], 6);
        Assert.Equal(figures.GetProperty("precisionAt10").GetDouble(), trainer["recommender_model_holdout_precision_at_10{model=\"candidate\"}"], 6);
    }

    [Fact]
    public async Task A_rejected_retrain_is_counted_with_its_reason_class_and_leaves_the_active_figures_alone()
    {
        var host = Host();
        var admin = host.CreateClientAsAdmin();
        await RetrainAndWaitAsync(admin, Good);
        var activeRmse = (await ScrapeAsync(host))["recommender_model_holdout_rmse{model=\"active\"}"];
        // New ratings after the active model's cut-off: the holdout both models are judged on.
        await TestData.InsertRatingsAsync(_database, TestData.ClusteredRatings(perUser: 8, seed: 21, from: new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero)), DateTimeOffset.UtcNow);

        // One epoch at a vanishing step size barely leaves the global mean: far worse than the active model.
        var bad = await RetrainAndWaitAsync(admin, new { factors = 1, epochs = 1, learningRate = 1e-7 });
        var rejected = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/model/versions")).EnumerateArray()
            .Single(v => v.GetProperty("version").GetInt32() == bad.GetProperty("modelVersion").GetInt32());
        var scrape = await ScrapeAsync(host);

        var all = await ScrapeAllAsync();

        Assert.True(bad.GetProperty("modelStatus").GetString() == "rejected", bad.ToString());
        var reason = RetrainOutcome.ReasonClass(bad.GetProperty("reason").GetString()!);
        Assert.NotEqual(RetrainOutcome.Other, reason);
        Assert.Equal(1, Sum(all, $"recommender_retrains_total{{outcome=\"rejected\",reason=\"{reason}\"}}"));
        Assert.Equal(1, Sum(all, "recommender_retrains_total{outcome=\"activated\",reason=\"none\"}"));
        Assert.Equal(activeRmse, scrape["recommender_model_holdout_rmse{model=\"active\"}"]);
        var trainer = all.Single(s => s["recommender_retrains_total{outcome=\"rejected\",reason=\"" + reason + "\"}"] == 1);
        Assert.Equal(rejected.GetProperty("metrics").GetProperty("rmse").GetDouble(), trainer["recommender_model_holdout_rmse{model=\"candidate\"}"], 6);
    }

    [Fact]
    public async Task A_failed_retrain_is_counted_as_failed()
    {
        var host = Host();
        var admin = host.CreateClientAsAdmin();
        await TestData.ScalarAsync(_database, "WITH d AS (DELETE FROM ratings RETURNING 1) SELECT count(*) FROM d");

        var failed = await RetrainAndWaitAsync(admin, new { factors = 8, epochs = 5 });

        Assert.Equal("failed", failed.GetProperty("state").GetString());
        Assert.Equal(1, Sum(await ScrapeAllAsync(), "recommender_retrains_total{outcome=\"failed\",reason=\"error\"}"));
    }

    [Fact]
    public async Task A_retrain_is_one_trace_with_a_span_per_stage_the_rollout_the_swap_and_its_database_calls()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is Tracing.SourceName or "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        var admin = Host().CreateClientAsAdmin();

        var job = await RetrainAndWaitAsync(admin, Good);

        var version = job.GetProperty("modelVersion").GetInt32();
        var root = spans.Single(s => s.OperationName == "retrain" && Equals(s.GetTagItem("model.version"), version));
        var trace = spans.Where(s => s.TraceId == root.TraceId).ToList();
        foreach (var stage in RetrainStage.All)
        {
            var span = trace.SingleOrDefault(s => s.OperationName == "retrain." + stage);
            Assert.True(span is not null, $"no span for stage {stage}");
            Assert.True(span.StartTimeUtc >= root.StartTimeUtc.AddMilliseconds(-50) && span.StartTimeUtc + span.Duration <= root.StartTimeUtc + root.Duration + TimeSpan.FromMilliseconds(50),
                $"{stage} lies outside the retrain span");
        }
        Assert.Contains(trace, s => s.OperationName == "rollout");
        Assert.Contains(trace, s => s.OperationName == "model.swap" && Equals(s.GetTagItem("model.version"), version));
        Assert.Contains(trace, s => s.Source.Name == "Npgsql");
    }

    private RecommenderApiFactory Host()
    {
        var host = new RecommenderApiFactory(_database, JobsOn);
        _hosts.Add(host);
        return host;
    }

    private static async Task<MetricsText> ScrapeAsync(RecommenderApiFactory host) => await MetricsText.ScrapeAsync(host.CreateClientWithKey(null));

    private async Task<MetricsText[]> ScrapeAllAsync()
    {
        var scrapes = new List<MetricsText>();
        foreach (var host in _hosts) scrapes.Add(await ScrapeAsync(host));
        return scrapes.ToArray();
    }

    private static double Sum(IEnumerable<MetricsText> scrapes, string series) => scrapes.Sum(s => s[series]);

    private static async Task<JsonElement> RetrainAndWaitAsync(HttpClient admin, object parameters)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/model/retrain", parameters);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var jobId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetString();
        JsonElement job = default;
        await WaitUntilAsync(async () =>
        {
            job = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/model/jobs/{jobId}");
            return job.GetProperty("state").GetString() is "succeeded" or "failed";
        }, TimeSpan.FromMinutes(2));
        return job;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan? deadline = null)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > (deadline ?? TimeSpan.FromSeconds(10))) throw new TimeoutException("condition not met in time");
            await Task.Delay(100);
        }
    }
}
