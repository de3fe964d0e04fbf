using System.Globalization;
using Xunit.Abstractions;

namespace RecommenderService.Api.Tests.Model;

/// <summary>
/// The model keeps learning under plausible, unkind data: a burst of noisy new users, a holdout made only of
/// newcomers. Each of these stopped every retrain before the gate compared like with like.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class LiveLoopTests(PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> JobsOn = RetrainSettings.JobsOn();

    private static readonly object Good = RetrainSettings.Good;

    private RecommenderApiFactory _host = null!;
    private string _database = null!;

    public async Task InitializeAsync()
    {
        _database = await postgres.CreateDatabaseAsync();
        _host = new RecommenderApiFactory(_database, JobsOn);
        _host.CreateClient(); // migrations
        await TestData.InsertRatingsAsync(_database, TestData.ClusteredRatings(), DateTimeOffset.UtcNow.AddHours(-2));
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task After_an_onboarding_burst_of_noisy_new_users_the_next_model_is_judged_against_the_active_one_on_the_same_ratings_and_activated()
    {
        var admin = _host.CreateClientAsAdmin();
        var (_, first) = await RetrainDriver.RetrainAndWaitAsync(admin, Good);
        var v1 = first.GetProperty("modelVersion").GetInt32();
        Assert.Equal("active", first.GetProperty("modelStatus").GetString());

        // 50,000 ratings from 500 newcomers with a taste each and heavy noise, their ratings spread in time so
        // every newcomer has ratings on both sides of the holdout cut.
        await PostBatchesAsync(admin, Burst(users: 500, perUser: 100, noise: 1.2, interleaved: true, seed: 5));
        var (_, second) = await RetrainDriver.RetrainAndWaitAsync(admin, Good);

        var versions = await admin.GetFromJsonAsync<JsonElement>("/api/v1/model/versions");
        var v2 = second.GetProperty("modelVersion").GetInt32();
        var row = versions.EnumerateArray().Single(v => v.GetProperty("version").GetInt32() == v2);
        Assert.True(second.GetProperty("modelStatus").GetString() == "active", row.ToString());
        var metrics = row.GetProperty("metrics");
        var active = metrics.GetProperty("active");
        output.WriteLine($"v{v2} {row.GetProperty("status")}: holdout {metrics.GetProperty("holdoutRatings")} ratings, RMSE {metrics.GetProperty("rmse")} " +
            $"(biases {metrics.GetProperty("baselineRmse")}; users with history {metrics.GetProperty("warmRmse")} vs {metrics.GetProperty("warmBaselineRmse")}); " +
            $"on the {active.GetProperty("ratings")} ratings v{v1} never saw: candidate {active.GetProperty("candidateRmse")}, v{v1} {active.GetProperty("activeRmse")}; " +
            $"lists {metrics.GetProperty("listSource")}");
        Assert.Equal(v1, active.GetProperty("version").GetInt32());
        Assert.True(active.GetProperty("applied").GetBoolean());
        // The whole holdout is newer than v1's cut-off, so both were scored on every holdout rating.
        Assert.Equal(metrics.GetProperty("holdoutRatings").GetInt32(), active.GetProperty("ratings").GetInt32());
        Assert.True(active.GetProperty("candidateRmse").GetDouble() <= active.GetProperty("activeRmse").GetDouble() + 0.02, active.ToString());
        // The newest 10% is much harder than v1's own holdout was: comparing with v1's record would have rejected v2.
        var v1Row = versions.EnumerateArray().Single(v => v.GetProperty("version").GetInt32() == v1);
        Assert.True(metrics.GetProperty("rmse").GetDouble() > v1Row.GetProperty("metrics").GetProperty("rmse").GetDouble() + 0.02, metrics.ToString());

        var model = await admin.GetFromJsonAsync<JsonElement>("/api/v1/model");
        Assert.Equal(v2, model.GetProperty("version").GetInt32());
        // The newcomers are in the served model now: predictions for them come from it, and their lists from
        // whichever source won on the holdout (their item choices here are random, so popularity may win).
        var prediction = await admin.GetFromJsonAsync<JsonElement>("/api/v1/users/burst-7/predictions/item-2");
        Assert.Equal(v2, prediction.GetProperty("modelVersion").GetInt32());
        var newcomer = await admin.GetFromJsonAsync<JsonElement>("/api/v1/users/burst-7/recommendations");
        Assert.Equal(v2, newcomer.GetProperty("modelVersion").GetInt32());
        Assert.Equal(metrics.GetProperty("listSource").GetString() == "popularity" ? "popularity" : "model", newcomer.GetProperty("strategy").GetString());
    }

    [Fact]
    public async Task When_every_holdout_user_is_a_newcomer_the_first_model_is_activated_and_serves_predictions()
    {
        var admin = _host.CreateClientAsAdmin();
        // 504 newcomers x 100 ratings, each newcomer's ratings after the previous one's: the newest 10% of the
        // 54,000 ratings is exactly the last 54 newcomers, none of whom rated before the cut.
        await PostBatchesAsync(admin, Burst(users: 504, perUser: 100, noise: 0.5, interleaved: false, seed: 6));

        var (_, job) = await RetrainDriver.RetrainAndWaitAsync(admin, Good);

        var versions = await admin.GetFromJsonAsync<JsonElement>("/api/v1/model/versions");
        var row = versions.EnumerateArray().Single(v => v.GetProperty("version").GetInt32() == job.GetProperty("modelVersion").GetInt32());
        Assert.True(job.GetProperty("modelStatus").GetString() == "active", row.ToString());
        var metrics = row.GetProperty("metrics");
        output.WriteLine(row.ToString());
        Assert.Equal(5_400, metrics.GetProperty("holdoutRatings").GetInt32());
        Assert.Equal(0, metrics.GetProperty("rankingUsers").GetInt32());
        Assert.Equal(0, metrics.GetProperty("warmRatings").GetInt32());
        var prediction = await admin.GetAsync("/api/v1/users/1/predictions/item-3");
        Assert.Equal(HttpStatusCode.OK, prediction.StatusCode);
        var list = await admin.GetFromJsonAsync<JsonElement>("/api/v1/users/1/recommendations");
        Assert.Equal("model", list.GetProperty("strategy").GetString());
    }

    [Fact]
    public async Task Ratings_imported_without_timestamps_are_judged_on_users_with_history_and_lists_come_from_the_model()
    {
        // Every rating carries the import's time, rows grouped by user: the holdout must not be "the last users".
        await using var host = new RecommenderApiFactory(await postgres.CreateDatabaseAsync(), JobsOn);
        var admin = host.CreateClientAsAdmin();
        var ratings = TestData.ClusteredRatings();
        var csv = new System.Text.StringBuilder();
        for (var r = 0; r < ratings.Count; r++)
            csv.Append(ratings.Users[ratings.User[r]]).Append(',').Append(ratings.Items[ratings.Item[r]]).Append(',')
                .Append(ratings.Value[r].ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        var import = await admin.PostAsync("/api/v1/ratings/import", new StringContent(csv.ToString(), System.Text.Encoding.UTF8, "text/csv"));
        Assert.True(import.IsSuccessStatusCode, await import.Content.ReadAsStringAsync());
        Assert.Equal(1, await TestData.ScalarAsync(host.ConnectionString, "SELECT count(DISTINCT rated_at) FROM ratings"));

        var (_, job) = await RetrainDriver.RetrainAndWaitAsync(admin, Good);

        var model = await admin.GetFromJsonAsync<JsonElement>("/api/v1/model");
        output.WriteLine(model.ToString());
        Assert.True(job.GetProperty("modelStatus").GetString() == "active", job.ToString());
        var metrics = model.GetProperty("metrics");
        // Held out at random among equal times: most holdout users have training ratings, so lists are judged.
        Assert.True(metrics.GetProperty("rankingUsers").GetInt32() > 50, metrics.ToString());
        Assert.True(metrics.GetProperty("warmRatings").GetInt32() > metrics.GetProperty("holdoutRatings").GetInt32() / 2, metrics.ToString());
        Assert.NotEqual("popularity", metrics.GetProperty("listSource").GetString());
        var list = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{ratings.Users[0]}/recommendations");
        Assert.Equal("model", list.GetProperty("strategy").GetString());
    }

    private static async Task PostBatchesAsync(HttpClient admin, List<object> rows)
    {
        foreach (var chunk in rows.Chunk(10_000))
        {
            var response = await admin.PostAsJsonAsync("/api/v1/ratings/batch", new { ratings = chunk });
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary>
    /// Newcomers "burst-0", "burst-1", ... each in one of the clustered data's five taste clusters, rating
    /// <paramref name="perUser"/> items with Gaussian noise; timestamps after all the base data (2024-07 on).
    /// </summary>
    private static List<object> Burst(int users, int perUser, double noise, bool interleaved, int seed)
    {
        var random = new Random(seed);
        var start = new DateTimeOffset(2024, 7, 1, 0, 0, 0, TimeSpan.Zero);
        var rows = new List<object>(users * perUser);
        for (var u = 0; u < users; u++)
        {
            var cluster = u % 5;
            var chosen = new HashSet<int>();
            for (var k = 0; k < perUser; k++)
            {
                int item;
                do item = random.Next(120); while (!chosen.Add(item));
                var taste = item % 5 == cluster ? 4.3 : 2.2;
                var gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                var value = Math.Clamp(Math.Round(taste + noise * gaussian), 1, 5);
                // Interleaved: rating k of every newcomer at minute k; otherwise newcomer after newcomer.
                var minute = interleaved ? k * users + u : u * perUser + k;
                rows.Add(new
                {
                    userId = $"burst-{u}", itemId = $"item-{item}", rating = value,
                    timestamp = start.AddMinutes(minute).ToString("O", CultureInfo.InvariantCulture),
                });
            }
        }
        return rows;
    }
}
