using System.Data.Common;
using Npgsql;

namespace RecommenderService.Api.Persistence;

/// <summary>
/// Turns on Npgsql's automatic preparation unless the connection string sets it. The serving path repeats a few
/// statements (a user's ratings, read through users and ratings; titles; attributes) for every user it has not
/// seen yet; prepared once per pooled connection, PostgreSQL skips parsing and planning them on every later
/// execution. An operator behind a pooler that cannot keep prepared statements (PgBouncer in transaction mode
/// before 1.21) sets <c>Max Auto Prepare=0</c> in the connection string.
/// </summary>
public static class AutoPrepare
{
    /// <summary>Statements kept prepared per connection when the connection string does not say.</summary>
    public const int DefaultStatements = 32;

    /// <summary><paramref name="connectionString"/> with <c>Max Auto Prepare</c> set, unless it already sets it.</summary>
    public static string Apply(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        foreach (string key in given.Keys)
            if (key.Replace(" ", "", StringComparison.Ordinal).Equals("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase))
                return connectionString;
        return new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = DefaultStatements }.ConnectionString;
    }
}
