using System.Diagnostics;

namespace RecommenderService.Api.Tests.Support;

/// <summary>Drives retrains through the HTTP routes, as an operator or a frontend would, and waits for them.</summary>
public static class RetrainDriver
{
    /// <summary>POSTs a retrain, checks the 202 and its Location, and waits for the job to end.</summary>
    public static async Task<(string JobId, JsonElement Job)> RetrainAndWaitAsync(HttpClient admin, object? parameters, TimeSpan? deadline = null)
    {
        var jobId = await RequestAsync(admin, parameters);
        return (jobId, await WaitForJobAsync(admin, jobId, deadline ?? TimeSpan.FromMinutes(2)));
    }

    public static async Task<string> RequestAsync(HttpClient admin, object? parameters)
    {
        var response = parameters is null
            ? await admin.PostAsync("/api/v1/model/retrain", null)
            : await admin.PostAsJsonAsync("/api/v1/model/retrain", parameters);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        var jobId = accepted.GetProperty("jobId").GetString()!;
        Assert.Equal($"/api/v1/model/jobs/{jobId}", response.Headers.Location?.OriginalString);
        return jobId;
    }

    public static async Task<JsonElement> WaitForJobAsync(HttpClient client, string jobId, TimeSpan deadline)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var job = await client.GetFromJsonAsync<JsonElement>($"/api/v1/model/jobs/{jobId}");
            var state = job.GetProperty("state").GetString();
            if (state is "succeeded" or "failed") return job;
            if (watch.Elapsed > deadline) throw new TimeoutException($"job {jobId} still {state} after {deadline.TotalSeconds:F0} s");
            await Task.Delay(100);
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="deadline"/> passes.</summary>
    public static async Task<bool> PollAsync(Func<Task<bool>> condition, TimeSpan deadline)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < deadline)
        {
            if (await condition()) return true;
            await Task.Delay(50);
        }
        return false;
    }
}
