using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace RecommenderService.Api.Tests.Support;

/// <summary>
/// A PostgreSQL server for tests: a throwaway cluster started from the machine's own binaries in a fresh
/// temp folder, listening on a free port on 127.0.0.1 only, tuned for speed over durability, stopped and
/// deleted on dispose. With RECOMMENDER_TEST_CONNECTION set, that server is used instead and nothing is
/// started; the databases created on it are dropped on dispose.
/// </summary>
public sealed partial class PostgresServer : IAsyncDisposable
{
    public const string ConnectionVariable = "RECOMMENDER_TEST_CONNECTION";

    private const string Superuser = "postgres";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    private static readonly string[] TestSettings =
    [
        "listen_addresses = '127.0.0.1'",
        "fsync = off",
        "synchronous_commit = off",
        "full_page_writes = off",
        // Several hosts per test (replicas), each with its pool, LISTEN connection and Hangfire server; idle
        // pooled connections of hosts already disposed linger until the pool prunes them.
        "max_connections = 500",
    ];

    private readonly NpgsqlConnectionStringBuilder _template;
    private readonly string _maintenanceDatabase;
    private readonly string? _folder;
    private readonly PostgresBinaries? _binaries;
    private readonly ConcurrentBag<string> _createdDatabases = [];
    private readonly PosixSignalRegistration[] _signalHandlers = [];
    private int _stopped;

    private PostgresServer(NpgsqlConnectionStringBuilder template, string? folder, PostgresBinaries? binaries)
    {
        _template = template;
        _maintenanceDatabase = string.IsNullOrEmpty(template.Database) ? "postgres" : template.Database;
        _folder = folder;
        _binaries = binaries;
        if (_folder is not null && !OperatingSystem.IsWindows())
        {
            // A test host that dies before disposing would leave the cluster running. Since .NET 10 a
            // SIGTERM no longer raises ProcessExit, so the termination signals are watched too; the
            // handlers do not cancel the signal, the process still ends as it would have.
            AppDomain.CurrentDomain.ProcessExit += StopOnExit;
            _signalHandlers =
            [
                .. new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGHUP, PosixSignal.SIGQUIT }
                    .Select(signal => PosixSignalRegistration.Create(signal, _ => StopNow())),
            ];
        }
    }

    /// <summary>True when the server came from RECOMMENDER_TEST_CONNECTION rather than a cluster of our own.</summary>
    public bool IsExternal => _folder is null;

    private string DataDirectory => Path.Combine(_folder!, "data");

    public static async Task<PostgresServer> StartAsync()
    {
        var external = Environment.GetEnvironmentVariable(ConnectionVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            var server = new PostgresServer(new NpgsqlConnectionStringBuilder(external), folder: null, binaries: null);
            await server.ExpectReachableAsync($"the server named by {ConnectionVariable}");
            return server;
        }

        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException(
                $"Starting a throwaway PostgreSQL cluster is supported on Linux and macOS; on Windows set {ConnectionVariable}.");
        }

        var binaries = PostgresBinaries.Locate();
        // The postgres user must be able to reach the folder, and root's TMPDIR may be private.
        var baseDirectory = ClusterCommand.RunsAsServiceUser ? "/tmp" : Path.GetTempPath();
        LeftoverClusters.Sweep(baseDirectory, binaries);

        // Short on purpose: the unix socket path inside it must stay under ~100 characters.
        var folder = Path.Combine(baseDirectory, LeftoverClusters.FolderPrefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await File.WriteAllTextAsync(Path.Combine(folder, LeftoverClusters.OwnerFile), Environment.ProcessId.ToString());
        try
        {
            await ClusterCommand.HandOverAsync(folder);
            var port = await InitializeAndStartAsync(folder, binaries);
            var template = new NpgsqlConnectionStringBuilder
            {
                Host = "127.0.0.1",
                Port = port,
                Username = Superuser,
                Database = "postgres",
                IncludeErrorDetail = true,
            };
            var server = new PostgresServer(template, folder, binaries);
            await server.ExpectReachableAsync($"the test cluster in {folder}");
            return server;
        }
        catch
        {
            try
            {
                LeftoverClusters.Remove(folder, binaries);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // The original failure matters more; the sweep of the next run gets this folder.
            }

            throw;
        }
    }

    /// <summary>A connection string for <paramref name="database"/> on this server.</summary>
    public string ConnectionStringFor(string database)
    {
        // Every test class makes its own database, so every pool is a new one: idle connections close after
        // a few seconds instead of Npgsql's five minutes, or a full run holds hundreds and hits max_connections.
        var builder = new NpgsqlConnectionStringBuilder(_template.ConnectionString)
        {
            Database = database,
            ConnectionIdleLifetime = 6,
            ConnectionPruningInterval = 2,
        };
        return builder.ConnectionString;
    }

    /// <summary>Creates a fresh, uniquely named database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null)
    {
        name ??= "test_" + Guid.NewGuid().ToString("N")[..16];
        if (!DatabaseName().IsMatch(name))
        {
            throw new ArgumentException(
                $"'{name}' is not a plain database name (lower-case letters, digits, underscores; at most 63).", nameof(name));
        }

        await using var connection = new NpgsqlConnection(ConnectionStringFor(_maintenanceDatabase));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        _createdDatabases.Add(name);
        return ConnectionStringFor(name);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        if (_folder is null)
        {
            await DropCreatedDatabasesAsync();
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= StopOnExit;
        foreach (var handler in _signalHandlers)
        {
            handler.Dispose();
        }

        await ClusterCommand.RunAsync(_binaries!.PgCtl, StopArguments(), _folder, CommandTimeout);
        Directory.Delete(_folder, recursive: true);
    }

    private static async Task<int> InitializeAndStartAsync(string folder, PostgresBinaries binaries)
    {
        var data = Path.Combine(folder, "data");
        var (initExit, initOutput) = await ClusterCommand.RunAsync(
            binaries.InitDb,
            ["-D", data, "-U", Superuser, "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"],
            folder,
            CommandTimeout);
        if (initExit != 0)
        {
            throw new InvalidOperationException($"initdb failed (exit {initExit}):{Environment.NewLine}{initOutput}");
        }

        await File.AppendAllLinesAsync(
            Path.Combine(data, "postgresql.conf"),
            ["", "# throwaway test cluster", .. TestSettings, $"unix_socket_directories = '{folder}'"]);

        var log = Path.Combine(folder, "server.log");
        // Another process may grab the free port between our probe and the bind; a new port fixes that.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            var (startExit, startOutput) = await ClusterCommand.RunAsync(
                binaries.PgCtl,
                ["start", "-D", data, "-l", log, "-w", "-t", "60", "-o", $"-p {port}"],
                folder,
                CommandTimeout);
            if (startExit == 0)
            {
                return port;
            }

            var logTail = Tail(log, 40);
            if (attempt < 3 && logTail.Contains("could not bind", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            throw new InvalidOperationException(
                $"pg_ctl start failed (exit {startExit}) on 127.0.0.1:{port}:{Environment.NewLine}{startOutput}" +
                $"{Environment.NewLine}Last lines of {log}:{Environment.NewLine}{logTail}");
        }
    }

    private async Task ExpectReachableAsync(string what)
    {
        try
        {
            await using var connection = new NpgsqlConnection(ConnectionStringFor(_maintenanceDatabase));
            await connection.OpenAsync();
        }
        catch (Exception exception) when (exception is NpgsqlException or SocketException or TimeoutException)
        {
            var log = _folder is null ? "" : $"{Environment.NewLine}Server log:{Environment.NewLine}{Tail(Path.Combine(_folder, "server.log"), 40)}";
            throw new InvalidOperationException($"Could not connect to {what}: {exception.Message}{log}", exception);
        }
    }

    private async Task DropCreatedDatabasesAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionStringFor(_maintenanceDatabase));
        await connection.OpenAsync();
        foreach (var name in _createdDatabases)
        {
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    private void StopOnExit(object? sender, EventArgs e) => StopNow();

    private void StopNow()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        ClusterCommand.Run(_binaries!.PgCtl, StopArguments(), _folder!, TimeSpan.FromSeconds(30));
        try
        {
            Directory.Delete(_folder!, recursive: true);
        }
        catch (Exception)
        {
            // Never throw on the way out; the next run's leftover sweep removes what is left.
        }
    }

    private string[] StopArguments() => ["stop", "-D", DataDirectory, "-m", "immediate", "-w", "-t", "30"];


    private static string Tail(string file, int lines)
    {
        try
        {
            return string.Join(Environment.NewLine, File.ReadLines(file).TakeLast(lines));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return $"({file} could not be read: {exception.Message})";
        }
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex DatabaseName();
}
