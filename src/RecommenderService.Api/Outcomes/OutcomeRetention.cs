using Microsoft.Extensions.Options;
using Npgsql;

namespace RecommenderService.Api.Outcomes;

/// <summary>
/// Deletes impressions and outcome events older than <see cref="OutcomeOptions.RetentionDays"/>, every
/// <see cref="OutcomeOptions.RetentionIntervalSeconds"/>, in the compaction's style: every replica tries, one at a time
/// across replicas does the work (a transaction advisory lock the others do not wait for), and the time indexes make
/// each delete proportional to what expired.
/// </summary>
public sealed class OutcomeRetention(NpgsqlDataSource database, IOptions<OutcomeOptions> options, ILogger<OutcomeRetention> logger) : BackgroundService
{
    /// <summary>"outcome retention", the same in every replica.</summary>
    private const long LockKey = 0x4F75_7443_6F6D_6552;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.RetentionIntervalSeconds));
        do
        {
            try
            {
                await DeleteExpiredAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                logger.LogWarning("Could not delete expired impressions and events: {Error}", ex.Message);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    /// <summary>Deletes what expired; returns (impressions, events) deleted, (0, 0) also when another replica is at it.</summary>
    public async Task<(long Impressions, long Events)> DeleteExpiredAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var take = new NpgsqlCommand($"SELECT pg_try_advisory_xact_lock({LockKey})", connection, transaction))
            if (!(bool)(await take.ExecuteScalarAsync(cancellationToken))!) return (0, 0);
        var days = options.Value.RetentionDays;
        var impressions = await DeleteAsync(connection, transaction, "DELETE FROM impressions WHERE served_at < now() - make_interval(days => $1)", days, cancellationToken);
        var events = await DeleteAsync(connection, transaction, "DELETE FROM outcome_events WHERE occurred_at < now() - make_interval(days => $1)", days, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (impressions + events > 0)
            logger.LogInformation("Deleted {Impressions} impression(s) and {Events} event(s) older than {Days} days", impressions, events, days);
        return (impressions, events);
    }

    private static async Task<long> DeleteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, int days, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = days });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
