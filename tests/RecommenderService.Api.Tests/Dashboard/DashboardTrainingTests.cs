using System.Text.RegularExpressions;

namespace RecommenderService.Api.Tests.Dashboard;

/// <summary>A retrain started from the training page runs through Hangfire, and the page then draws its validation curve.</summary>
[Collection(PostgresCollection.Name)]
public sealed partial class DashboardTrainingTests(PostgresFixture postgres) : ServiceTests(postgres)
{
    protected override Dictionary<string, string?> Settings => RetrainSettings.JobsOn();

    [Fact]
    public async Task A_retrain_started_from_the_training_page_runs_and_its_validation_curve_is_drawn()
    {
        await TestData.InsertRatingsAsync(Factory.ConnectionString, TestData.ClusteredRatings(), DateTimeOffset.UtcNow.AddMinutes(-1));
        var browser = await new DashboardSession(Factory).SignedInAsync();

        var response = await browser.SubmitAsync("/dashboard/training", "/dashboard/training?handler=Retrain", new Dictionary<string, string>());

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var jobId = Regex.Match(response.Headers.Location!.OriginalString, @"started=(\d+)").Groups[1].Value;
        var job = await RetrainDriver.WaitForJobAsync(Admin, jobId, TimeSpan.FromMinutes(3));
        Assert.Equal("succeeded", job.GetProperty("state").GetString());

        var page = await browser.GetPageAsync("/dashboard/training");
        var points = Point().Matches(page).Count;
        Assert.Contains($"<title id=\"curve-title\">Validation RMSE by epoch, job {jobId}</title>", page);
        Assert.True(points >= 2, $"the curve has {points} points");
        Assert.Equal(job.GetProperty("epoch").ValueKind == System.Text.Json.JsonValueKind.Number, page.Contains("<dt>Epoch</dt><dd>", StringComparison.Ordinal));
        // No refresh once nothing runs.
        Assert.DoesNotContain("http-equiv=\"refresh\"", page);
    }

    [GeneratedRegex("<circle class=\"dot series-0\"")]
    private static partial Regex Point();
}
