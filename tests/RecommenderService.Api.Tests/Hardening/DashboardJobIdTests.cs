namespace RecommenderService.Api.Tests.Hardening;

/// <summary>
/// The job dashboard answers a job id that cannot be a job with 404, not the 500 that would set off the 5xx
/// alert; a real job's page still opens.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DashboardJobIdTests(PostgresFixture postgres) : ServiceTests(postgres)
{
    protected override Dictionary<string, string?> Settings => new()
    {
        ["RateLimiting:Enabled"] = "false",
        ["Training:JobsEnabled"] = "true",
        ["Training:PollSeconds"] = "30",
    };

    [Theory]
    [InlineData("/hangfire/jobs/details/abc")]
    [InlineData("/hangfire/jobs/details/-1")]
    [InlineData("/hangfire/jobs/details/99999999999999999999999")]
    [InlineData("/hangfire/jobs/details/1%20OR%201=1")]
    [InlineData("/hangfire/jobs/details/")]
    public async Task A_job_id_that_cannot_be_a_job_is_a_404(string path)
    {
        var response = await Admin.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task An_unknown_numeric_job_id_is_not_a_server_error()
    {
        var response = await Admin.GetAsync("/hangfire/jobs/details/987654321");

        Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode}");
    }
}
