using Npgsql;
using NpgsqlTypes;

namespace RecommenderService.Api.Persistence;

/// <summary>Short forms for the raw-Npgsql batches of the write paths (<c>using static</c>).</summary>
public static class SqlBatch
{
    public static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    public static NpgsqlParameter Text(string value) => new() { Value = value, NpgsqlDbType = NpgsqlDbType.Text };

    public static NpgsqlParameter Text(string[] values) => new() { Value = values, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };
}
