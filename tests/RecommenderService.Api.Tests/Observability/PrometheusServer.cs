using System.Diagnostics;
using System.Globalization;

namespace RecommenderService.Api.Tests.Observability;

/// <summary>
/// A real Prometheus (Debian's <c>prometheus</c> package) on a loopback port with its own throwaway storage,
/// scraping one target every second and evaluating the service's alert rules. Killed and deleted on dispose.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;
    private readonly HttpClient _http;

    private PrometheusServer(Process process, string folder, int port)
    {
        _process = process;
        _folder = folder;
        BaseAddress = $"http://127.0.0.1:{port}";
        _http = new HttpClient { BaseAddress = new Uri(BaseAddress), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string BaseAddress { get; }

    public static string BinaryPath => Environment.GetEnvironmentVariable("PROMETHEUS_PATH") ?? "/usr/bin/prometheus";

    /// <summary>The repository's <c>deploy/monitoring</c> folder.</summary>
    public static string MonitoringFolder { get; } = FindMonitoringFolder();

    /// <summary>
    /// True when the check can run. Outside CI a missing Prometheus is reported and the test returns early;
    /// under CI (CI=true) it is a failure, so the check can never silently stop running there.
    /// </summary>
    public static bool RequireOrSkip(Action<string> report)
    {
        if (File.Exists(BinaryPath)) return true;
        var missing = $"Prometheus is not installed at {BinaryPath} (apt-get install prometheus)";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException("Prometheus check cannot run under CI: " + missing);
        report("Prometheus check not run: " + missing);
        return false;
    }

    /// <summary>Starts Prometheus scraping <paramref name="target"/> (host:port) as job <c>recommender</c>.</summary>
    public static async Task<PrometheusServer> StartAsync(string target)
    {
        var folder = Directory.CreateTempSubdirectory("recommender-prometheus-").FullName;
        File.Copy(Path.Combine(MonitoringFolder, "alerts.yml"), Path.Combine(folder, "alerts.yml"));
        await File.WriteAllTextAsync(Path.Combine(folder, "prometheus.yml"), $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files:
              - alerts.yml
            scrape_configs:
              - job_name: recommender
                metrics_path: /metrics
                static_configs:
                  - targets: ["{target}"]
            """);
        var port = FreePort.Next();
        var start = new ProcessStartInfo(BinaryPath)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
                 {
                     "--config.file=" + Path.Combine(folder, "prometheus.yml"),
                     "--storage.tsdb.path=" + Path.Combine(folder, "data"),
                     $"--web.listen-address=127.0.0.1:{port}",
                     "--log.level=warn",
                 })
            start.ArgumentList.Add(argument);
        var process = Process.Start(start) ?? throw new InvalidOperationException("prometheus did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PrometheusServer(process, folder, port);
        await server.WaitAsync(async () => (await server._http.GetAsync("/-/ready")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "Prometheus did not become ready");
        return server;
    }

    /// <summary>An instant query; the result vector's samples as (labels, value).</summary>
    public async Task<IReadOnlyList<(Dictionary<string, string> Labels, double Value)>> QueryAsync(string promql)
    {
        var answer = await _http.GetFromJsonAsync<JsonElement>("/api/v1/query?query=" + Uri.EscapeDataString(promql));
        if (answer.GetProperty("status").GetString() != "success") throw new InvalidOperationException($"query failed: {promql}: {answer}");
        var data = answer.GetProperty("data");
        var result = data.GetProperty("result");
        if (data.GetProperty("resultType").GetString() == "scalar")
            return [([], ParseValue(result[1]))];
        return result.EnumerateArray()
            .Select(sample => (
                sample.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? ""),
                ParseValue(sample.GetProperty("value")[1])))
            .ToList();
    }

    /// <summary>The loaded rule groups (GET /api/v1/rules).</summary>
    public async Task<JsonElement> RulesAsync() =>
        (await _http.GetFromJsonAsync<JsonElement>("/api/v1/rules")).GetProperty("data").GetProperty("groups");

    public async Task WaitAsync(Func<Task<bool>> condition, TimeSpan deadline, string failure)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"Prometheus exited with code {_process.ExitCode}");
            try
            {
                if (await condition()) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (watch.Elapsed > deadline) throw new TimeoutException(failure);
            await Task.Delay(250);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private static double ParseValue(JsonElement value) => value.GetString() switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        var text => double.Parse(text!, NumberStyles.Float, CultureInfo.InvariantCulture),
    };


    private static string FindMonitoringFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "deploy", "monitoring");
            if (File.Exists(Path.Combine(candidate, "alerts.yml"))) return candidate;
        }
        throw new DirectoryNotFoundException("deploy/monitoring not found above " + AppContext.BaseDirectory);
    }
}
