namespace RecommenderService.Api.Tests.Support;

/// <summary>
/// Where this machine keeps <c>initdb</c> and <c>pg_ctl</c>: on PATH, or else the highest version under
/// /usr/lib/postgresql/*/bin (Debian and Ubuntu install them there, off PATH).
/// </summary>
internal sealed record PostgresBinaries(string InitDb, string PgCtl)
{
    private const string DebianRoot = "/usr/lib/postgresql";

    public static PostgresBinaries Locate()
    {
        foreach (var directory in CandidateDirectories())
        {
            var initDb = Path.Combine(directory, "initdb");
            var pgCtl = Path.Combine(directory, "pg_ctl");
            if (File.Exists(initDb) && File.Exists(pgCtl))
            {
                return new PostgresBinaries(initDb, pgCtl);
            }
        }

        throw new InvalidOperationException(
            "The API tests need a real PostgreSQL server, and no initdb/pg_ctl was found on PATH or under " +
            $"{DebianRoot}/*/bin. Install the server binaries (Debian/Ubuntu: `sudo apt-get install postgresql`; " +
            "the tests start their own throwaway cluster, the system service is not needed), or point the tests " +
            "at an existing server with RECOMMENDER_TEST_CONNECTION=\"Host=...;Port=...;Username=...;Password=...\".");
    }

    private static IEnumerable<string> CandidateDirectories()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            yield return directory;
        }

        if (!Directory.Exists(DebianRoot))
        {
            yield break;
        }

        // Highest major version first; "15" and "9.6" both compare as versions once padded.
        var versions = Directory.GetDirectories(DebianRoot)
            .Select(d => (Directory: d, Version: Version.TryParse(PadVersion(Path.GetFileName(d)), out var v) ? v : null))
            .Where(x => x.Version is not null)
            .OrderByDescending(x => x.Version);
        foreach (var (directory, _) in versions)
        {
            yield return Path.Combine(directory, "bin");
        }
    }

    private static string PadVersion(string name) => name.Contains('.') ? name : name + ".0";
}
