using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace RecommenderService.Api.Persistence;

/// <summary>
/// Applies EF Core migrations at start-up while holding a PostgreSQL advisory lock, so replicas that
/// start together migrate one after the other instead of racing on the same DDL.
/// </summary>
public sealed class DatabaseMigrator(
    IServiceScopeFactory scopeFactory,
    IOptions<DatabaseOptions> options,
    ILogger<DatabaseMigrator> logger)
{
    /// <summary>An arbitrary constant, the same in every replica: "recommender migrations".</summary>
    internal const long MigrationLockKey = 0x5265_634D_6967_7261;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(options.Value.StartupTimeoutSeconds);
        var delay = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            try
            {
                await MigrateOnceAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException ex) when (ex.IsTransient && DateTime.UtcNow < deadline)
            {
                // A container's database often comes up a few seconds after the service.
                logger.LogWarning("Database not reachable yet ({Reason}); retrying in {DelayMs} ms", ex.Message, delay.TotalMilliseconds);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
            }
        }
    }

    private async Task MigrateOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RecommenderDbContext>();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({MigrationLockKey})", cancellationToken);
            try
            {
                var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
                if (pending.Count == 0)
                {
                    logger.LogInformation("Database schema is up to date");
                    return;
                }
                logger.LogInformation("Applying {Count} migrations: {Migrations}", pending.Count, pending);
                await db.Database.MigrateAsync(cancellationToken);
            }
            finally
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({MigrationLockKey})", CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
