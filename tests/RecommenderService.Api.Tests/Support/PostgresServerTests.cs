namespace RecommenderService.Api.Tests.Support;

[Collection(PostgresCollection.Name)]
public sealed class PostgresServerTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_created_database_stores_and_returns_rows()
    {
        var connectionString = await postgres.CreateDatabaseAsync();

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await Execute(connection, "CREATE TABLE ratings (user_id text, item_id text, rating real, PRIMARY KEY (user_id, item_id))");
        await Execute(connection, "INSERT INTO ratings VALUES ('196', '242', 3), ('196', '302', 4.5)");

        await using var read = new NpgsqlCommand("SELECT item_id, rating FROM ratings ORDER BY item_id", connection);
        await using var reader = await read.ExecuteReaderAsync();
        var rows = new List<(string Item, float Rating)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetFloat(1)));
        }

        Assert.Equal([("242", 3f), ("302", 4.5f)], rows);
    }

    [Fact]
    public async Task Each_created_database_is_distinct_and_isolated()
    {
        var first = await postgres.CreateDatabaseAsync();
        var second = await postgres.CreateDatabaseAsync();

        Assert.NotEqual(DatabaseOf(first), DatabaseOf(second));

        await using (var connection = new NpgsqlConnection(first))
        {
            await connection.OpenAsync();
            await Execute(connection, "CREATE TABLE only_in_first (id int)");
            Assert.Equal(DatabaseOf(first), await Scalar<string>(connection, "SELECT current_database()"));
        }

        await using (var connection = new NpgsqlConnection(second))
        {
            await connection.OpenAsync();
            Assert.Equal(DatabaseOf(second), await Scalar<string>(connection, "SELECT current_database()"));
            Assert.Null(await Scalar<string>(connection, "SELECT to_regclass('only_in_first')::text"));
        }
    }

    [Fact]
    public async Task A_started_cluster_listens_on_loopback_with_the_fast_test_settings()
    {
        if (postgres.Server.IsExternal)
        {
            return; // a server given through RECOMMENDER_TEST_CONNECTION is configured by whoever runs it
        }

        await using var connection = new NpgsqlConnection(postgres.Server.ConnectionStringFor("postgres"));
        await connection.OpenAsync();

        Assert.Equal("127.0.0.1", await Scalar<string>(connection, "SHOW listen_addresses"));
        Assert.Equal("off", await Scalar<string>(connection, "SHOW fsync"));
        Assert.Equal("off", await Scalar<string>(connection, "SHOW synchronous_commit"));
        Assert.Equal("off", await Scalar<string>(connection, "SHOW full_page_writes"));
        Assert.Equal("500", await Scalar<string>(connection, "SHOW max_connections"));
    }

    private static string? DatabaseOf(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString).Database;

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T?> Scalar<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? default : (T?)value;
    }
}
