using System.Diagnostics;

namespace RecommenderService.Api.Tests.Browser;

/// <summary>
/// Runs one script of <c>tests/browser</c> (Node + playwright-core driving Debian's Chromium) and returns
/// its exit code and output, so a browser check is an ordinary xunit test against the real host.
/// </summary>
public static class NodeScript
{
    /// <summary>The <c>tests/browser</c> folder of the repository.</summary>
    public static string Folder { get; } = FindFolder();

    /// <summary>
    /// Why the browser checks cannot run here, or null when they can. Under CI (CI=true) missing parts are
    /// a failure, not a skip: <see cref="RequireOrSkip"/> throws then.
    /// </summary>
    public static string? MissingPrerequisite()
    {
        if (!File.Exists(ChromiumPath)) return $"Chromium is not installed at {ChromiumPath} (apt-get install chromium)";
        if (!Directory.Exists(Path.Combine(Folder, "node_modules", "playwright-core")))
            return $"Node packages are not installed (npm ci --prefix {Folder})";
        return FindOnPath("node") is null ? "node is not on PATH" : null;
    }

    public static string ChromiumPath => Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";

    /// <summary>
    /// Returns true when the checks can run. Outside CI a missing browser is reported and the caller
    /// returns early; in CI it fails the test, so the check can never silently stop running there.
    /// </summary>
    public static bool RequireOrSkip(ITestOutputHelperLike output)
    {
        var missing = MissingPrerequisite();
        if (missing is null) return true;
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException("Browser check cannot run under CI: " + missing);
        output.WriteLine("Browser check not run: " + missing);
        return false;
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(string script, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("node", Path.Combine(Folder, script))
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["CHROMIUM_PATH"] = ChromiumPath;
        foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"timed out after {timeout.TotalSeconds:F0} s\n{await stdout}\n{await stderr}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string FindFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "browser");
            if (File.Exists(Path.Combine(candidate, "package.json"))) return candidate;
        }
        throw new DirectoryNotFoundException("tests/browser not found above " + AppContext.BaseDirectory);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
}

/// <summary>The one member of xunit's output helper the browser checks need (keeps NodeScript free of xunit).</summary>
public interface ITestOutputHelperLike
{
    void WriteLine(string message);
}
