using System.Diagnostics;

namespace RecommenderService.Api.Tests.Support;

/// <summary>
/// Stops and deletes throwaway clusters that an earlier test run left behind (a killed test host never
/// reaches its dispose or process-exit handler). A folder is stale when the test process that created it
/// is gone, or when it is older than <see cref="MaximumAge"/> whatever its owner says.
/// </summary>
internal static class LeftoverClusters
{
    public const string FolderPrefix = "recsys-pg-";
    public const string OwnerFile = "owner.pid";
    public static readonly TimeSpan MaximumAge = TimeSpan.FromHours(6);

    // A folder this young may be one whose owner is still writing its owner file.
    private static readonly TimeSpan GracePeriod = TimeSpan.FromMinutes(2);

    public static void Sweep(string baseDirectory, PostgresBinaries binaries)
    {
        string[] folders;
        try
        {
            folders = Directory.GetDirectories(baseDirectory, FolderPrefix + "*");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return;
        }

        foreach (var folder in folders)
        {
            try
            {
                if (IsStale(folder))
                {
                    Remove(folder, binaries);
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Someone else's folder, or one vanishing under our feet: not ours to worry about.
            }
        }
    }

    /// <summary>Stops the cluster in <paramref name="folder"/> if it runs, then deletes the folder.</summary>
    public static void Remove(string folder, PostgresBinaries binaries)
    {
        var data = Path.Combine(folder, "data");
        if (File.Exists(Path.Combine(data, "postmaster.pid")))
        {
            ClusterCommand.Run(
                binaries.PgCtl, ["stop", "-D", data, "-m", "immediate", "-w", "-t", "30"], folder, TimeSpan.FromSeconds(40));
        }

        Directory.Delete(folder, recursive: true);
    }

    private static bool IsStale(string folder)
    {
        var age = DateTime.UtcNow - Directory.GetLastWriteTimeUtc(folder);
        if (age > MaximumAge)
        {
            return true;
        }

        var ownerFile = Path.Combine(folder, OwnerFile);
        if (age < GracePeriod || !File.Exists(ownerFile))
        {
            return false;
        }

        return int.TryParse(File.ReadAllText(ownerFile).Trim(), out var owner) && !IsRunning(owner);
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
