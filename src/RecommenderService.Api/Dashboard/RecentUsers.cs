using Npgsql;

namespace RecommenderService.Api.Dashboard;

/// <summary>The users the service met last (newest first): somewhere to start on the users page.</summary>
public sealed class RecentUsers(NpgsqlDataSource database)
{
    public async Task<List<string>> ReadAsync(int count, CancellationToken cancellationToken)
    {
        // By the primary key: no scan, however many users there are.
        await using var command = database.CreateCommand("SELECT external_id FROM users ORDER BY id DESC LIMIT $1");
        command.Parameters.Add(new NpgsqlParameter { Value = count });
        var users = new List<string>(count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) users.Add(reader.GetString(0));
        return users;
    }
}
