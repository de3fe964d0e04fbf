namespace RecommenderService.Api.Tests.Support;

/// <summary>Host settings and a retrain request shared by the tests that retrain through Hangfire.</summary>
internal static class RetrainSettings
{
    /// <summary>
    /// Hangfire on, a fast queue poll, fast replica heartbeats and a short preload deadline (so rollouts do not wait
    /// long for replicas a test stopped), rate limiting off; <paramref name="more"/> adds or overrides settings.
    /// </summary>
    public static Dictionary<string, string?> JobsOn(params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Training:JobsEnabled"] = "true",
            ["Training:QueuePollSeconds"] = "0.2",
            ["Training:PreloadTimeoutSeconds"] = "10",
            ["Training:HeartbeatSeconds"] = "0.5",
            ["RateLimiting:Enabled"] = "false",
        };
        foreach (var (key, value) in more) settings[key] = value;
        return settings;
    }

    /// <summary>Retrain parameters that learn the clustered test data well (the service's defaults are tuned for MovieLens).</summary>
    public static readonly object Good = new { factors = 8, learningRate = 0.03, initStdDev = 0.1, maxEpochs = 150 };
}
