using System.Diagnostics;

namespace RecommenderService.Api.Tests.Support;

/// <summary>
/// Runs a PostgreSQL program as the owner of a throwaway cluster. initdb and postgres refuse to run as
/// root, so under root the program runs as the <c>postgres</c> system user through runuser.
/// </summary>
internal static class ClusterCommand
{
    public const string ServiceUser = "postgres";

    public static bool RunsAsServiceUser => OperatingSystem.IsLinux() && Environment.IsPrivilegedProcess;

    public static async Task<(int ExitCode, string Output)> RunAsync(
        string program, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (RunsAsServiceUser)
        {
            start.FileName = "runuser";
            foreach (var argument in new[] { "-u", ServiceUser, "--", program })
            {
                start.ArgumentList.Add(argument);
            }
        }
        else
        {
            start.FileName = program;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Messages in English whatever the machine's locale, so failures read the same everywhere.
        start.Environment["LC_ALL"] = "C";
        start.Environment["LANG"] = "C";

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        process.StandardInput.Close();
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();

        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Describe(start)} did not finish within {timeout.TotalSeconds:F0} s.");
        }

        output.Append(await stdout).Append(await stderr);
        return (process.ExitCode, output.ToString());
    }

    /// <summary>Synchronous variant for process-exit handlers, where awaiting is not an option.</summary>
    public static void Run(string program, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout)
    {
        try
        {
            RunAsync(program, arguments, workingDirectory, timeout).GetAwaiter().GetResult();
        }
        catch (Exception)
        {
            // Best effort: the caller deletes the folder anyway, and the leftover sweep catches the rest.
        }
    }

    /// <summary>Makes sure the service user exists and owns <paramref name="directory"/>.</summary>
    public static async Task HandOverAsync(string directory)
    {
        if (!RunsAsServiceUser)
        {
            return;
        }

        var (idExit, _) = await RunPlainAsync("id", ["-u", ServiceUser]);
        if (idExit != 0)
        {
            var (addExit, addOutput) = await RunPlainAsync(
                "useradd", ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", ServiceUser]);
            if (addExit != 0)
            {
                throw new InvalidOperationException(
                    $"Running as root, the test cluster needs a '{ServiceUser}' user and useradd failed: {addOutput}");
            }
        }

        var (chownExit, chownOutput) = await RunPlainAsync("chown", [$"{ServiceUser}:", directory]);
        if (chownExit != 0)
        {
            throw new InvalidOperationException($"chown {ServiceUser}: {directory} failed: {chownOutput}");
        }
    }

    private static async Task<(int ExitCode, string Output)> RunPlainAsync(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string Describe(ProcessStartInfo start) =>
        string.Join(' ', new[] { start.FileName }.Concat(start.ArgumentList));
}
