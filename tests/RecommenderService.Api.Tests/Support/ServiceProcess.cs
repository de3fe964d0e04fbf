using System.Diagnostics;

namespace RecommenderService.Api.Tests.Support;

/// <summary>
/// The service as a separate operating-system process (the built RecommenderService.Api.dll), so a test can
/// kill it with SIGKILL the way a node failure or the OOM killer would: no finally block, no disposal runs.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private ServiceProcess(Process process, string baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string BaseAddress { get; }

    /// <summary>The operating-system process id (Hangfire names its servers after it).</summary>
    public int ProcessId => _process.Id;

    /// <summary>The last lines the process wrote, for failure messages.</summary>
    public string Tail
    {
        get
        {
            lock (_output) return string.Join('\n', _output.TakeLast(40));
        }
    }

    /// <summary>Starts the service on a free loopback port with <paramref name="settings"/> as environment variables.</summary>
    public static async Task<ServiceProcess> StartAsync(string connectionString, IReadOnlyDictionary<string, string> settings)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "RecommenderService.Api.dll");
        var port = FreePort.Next();
        var start = new ProcessStartInfo("dotnet", $"\"{dll}\"")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["ConnectionStrings__Recommender"] = connectionString;
        start.Environment["Auth__ClientKeys__0"] = RecommenderApiFactory.ClientKey;
        start.Environment["Auth__AdminKeys__0"] = RecommenderApiFactory.AdminKey;
        foreach (var (key, value) in settings) start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var service = new ServiceProcess(process, $"http://127.0.0.1:{port}");
        using var client = new HttpClient { BaseAddress = new Uri(service.BaseAddress) };
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"The service exited with {process.ExitCode}:\n{service.Tail}");
            try
            {
                if ((await client.GetAsync("/health/live")).StatusCode == HttpStatusCode.OK) return service;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            if (watch.Elapsed > TimeSpan.FromSeconds(90)) throw new TimeoutException($"The service did not come up:\n{service.Tail}");
            await Task.Delay(200);
        }
    }

    public HttpClient CreateClient(string apiKey)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseAddress) };
        client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }

    /// <summary>SIGKILL: the process gets no chance to clean up, release locks or mark anything failed.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, as an orchestrator stops a container: the host runs its graceful stop; waits for the exit.</summary>
    public async Task StopAsync()
    {
        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
            await term.WaitForExitAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(deadline.Token);
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.Add(line);
            if (_output.Count > 400) _output.RemoveRange(0, 200);
        }
    }

}
