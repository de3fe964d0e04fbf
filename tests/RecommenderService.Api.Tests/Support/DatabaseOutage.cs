namespace RecommenderService.Api.Tests.Support;

/// <summary>
/// Takes one test database away from every host that uses it (new connections refused, open ones
/// dropped) and gives it back: a database outage as the replicas see it, without touching other tests.
/// </summary>
public static class DatabaseOutage
{
    public static async Task SetReachableAsync(PostgresFixture postgres, string connectionString, bool reachable)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        await using var admin = new NpgsqlConnection(postgres.Server.ConnectionStringFor("postgres"));
        await admin.OpenAsync();
        await using (var alter = new NpgsqlCommand($"ALTER DATABASE \"{database}\" WITH ALLOW_CONNECTIONS {(reachable ? "true" : "false")}", admin))
            await alter.ExecuteNonQueryAsync();
        if (reachable) return;
        await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", admin);
        kill.Parameters.Add(new NpgsqlParameter { Value = database });
        await kill.ExecuteNonQueryAsync();
    }
}
