using System.Globalization;
using RecommenderService.Api.Tests.Browser;
using Xunit.Abstractions;

namespace RecommenderService.Api.Tests.Dashboard;

/// <summary>
/// The dashboard in a real browser (Debian's Chromium through playwright-core, tests/browser/dashboard.mjs) against the
/// real host with a catalogue and three real retrains: every page renders, the users page lists what the API answers,
/// and a screenshot of each page is written to <c>artifacts/dashboard</c> (or <c>DASHBOARD_SCREENSHOTS</c>), which CI keeps.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DashboardBrowserTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly string[] Genres = ["Drama", "Comedy", "Sci-Fi", "Thriller", "Animation"];
    private static readonly string[] Adjectives = ["Silent", "Crimson", "Last", "Hidden", "Golden", "Broken", "Distant", "Electric", "Lonely", "Wild", "Secret", "Frozen"];
    private static readonly string[] Nouns = ["Harbour", "Orbit", "Garden", "Signal", "Empire", "River", "Machine", "Summer", "Witness", "Engine"];

    /// <summary>Where the screenshots go: <c>DASHBOARD_SCREENSHOTS</c>, or <c>artifacts/dashboard</c> at the repository's root.</summary>
    public static string ScreenshotFolder =>
        Environment.GetEnvironmentVariable("DASHBOARD_SCREENSHOTS") is { Length: > 0 } folder
            ? folder
            : Path.GetFullPath(Path.Combine(NodeScript.Folder, "..", "..", "artifacts", "dashboard"));

    [Fact]
    public async Task Every_page_renders_in_a_browser_and_the_users_page_lists_what_the_api_answers()
    {
        if (!NodeScript.RequireOrSkip(new OutputAdapter(output))) return;
        await using var host = await KestrelApiFactory.StartAsync(postgres, RetrainSettings.JobsOn(("Training:PollSeconds", "30")));
        var admin = host.Factory.CreateClientAsAdmin();
        var ratings = TestData.ClusteredRatings();
        await TestData.InsertRatingsAsync(host.Factory.ConnectionString, ratings, DateTimeOffset.UtcNow.AddHours(-2));
        foreach (var item in ratings.Items.Ids)
        {
            var k = int.Parse(item["item-".Length..], CultureInfo.InvariantCulture);
            (await admin.PutAsJsonAsync($"/api/v1/items/{item}", new
            {
                title = $"{Adjectives[k % Adjectives.Length]} {Nouns[k / Adjectives.Length % Nouns.Length]} ({1970 + k * 7 % 50})",
                attributes = new { genres = new[] { Genres[TestData.ClusterOf(item)] }, year = 1970 + k * 7 % 50 },
            })).EnsureSuccessStatusCode();
        }
        // Three trainings, so the charts have a line: two good ones and a short one.
        foreach (var parameters in new object[] { RetrainSettings.Good, new { factors = 16, learningRate = 0.03, initStdDev = 0.1, maxEpochs = 150, seed = 3 }, new { factors = 4, epochs = 3 } })
            Assert.Equal("succeeded", (await RetrainDriver.RetrainAndWaitAsync(admin, parameters, TimeSpan.FromMinutes(3))).Job.GetProperty("state").GetString());
        var versions = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/model/versions")).EnumerateArray().ToList();
        var active = versions.Single(v => v.GetProperty("status").GetString() == "active").GetProperty("version").GetInt32();
        var other = versions.First(v => v.GetProperty("status").GetString() is "superseded" or "rejected").GetProperty("version").GetInt32();

        var (code, text) = await NodeScript.RunAsync("dashboard.mjs", new Dictionary<string, string>
        {
            ["BASE_URL"] = host.BaseAddress,
            ["ADMIN_KEY"] = RecommenderApiFactory.AdminKey,
            ["CLIENT_KEY"] = RecommenderApiFactory.ClientKey,
            ["USER_ID"] = "1",
            ["ITEM_ID"] = "item-7",
            ["ACTIVATE_VERSION"] = other.ToString(CultureInfo.InvariantCulture),
            ["ACTIVATE_HEADING"] = $"{(other < active ? "Roll back to" : "Activate")} version {other}?",
            ["SCREENSHOT_DIR"] = ScreenshotFolder,
        }, TimeSpan.FromSeconds(180));
        output.WriteLine(text);

        Assert.True(code == 0, text);
        Assert.Contains("users: the page lists the 10 items GET /recommendations answers", text);
        foreach (var page in new[] { "sign-in", "model", "activate", "training", "users", "items", "outcomes", "users-phone" })
            Assert.True(File.Exists(Path.Combine(ScreenshotFolder, page + ".png")), page);
    }
}
