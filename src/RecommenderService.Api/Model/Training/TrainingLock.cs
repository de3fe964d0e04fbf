using Npgsql;

namespace RecommenderService.Api.Model.Training;

/// <summary>
/// At most one training at a time across every replica: a PostgreSQL advisory lock held on its own
/// connection for the whole run. If the process dies, PostgreSQL drops the connection and the lock.
/// </summary>
public sealed class TrainingLock(NpgsqlDataSource database)
{
    /// <summary>An arbitrary constant, the same in every replica: "recommender training".</summary>
    internal const long Key = 0x5265_6354_7261_696E;

    /// <summary>
    /// Takes the lock. With <paramref name="wait"/>, queues behind a running training; without, returns
    /// null at once when one is running.
    /// </summary>
    public async Task<IAsyncDisposable?> AcquireAsync(bool wait, CancellationToken cancellationToken)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand(wait ? "SELECT pg_advisory_lock($1)" : "SELECT pg_try_advisory_lock($1)", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = Key });
            bool acquired;
            if (wait)
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
                acquired = true;
            }
            else
            {
                acquired = (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
            }
            if (acquired) return new Held(connection);
            await connection.DisposeAsync();
            return null;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private sealed class Held(NpgsqlConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", connection);
                unlock.Parameters.Add(new NpgsqlParameter { Value = Key });
                await unlock.ExecuteNonQueryAsync();
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }
}
