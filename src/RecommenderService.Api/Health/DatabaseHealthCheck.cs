using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RecommenderService.Api.Persistence;

namespace RecommenderService.Api.Health;

/// <summary>Ready means: PostgreSQL answers and every migration this build knows is applied.</summary>
public sealed class DatabaseHealthCheck(RecommenderDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            // One read of the history table; the known migrations come from this assembly, not the database.
            var applied = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).ToHashSet();
            var pending = db.Database.GetMigrations().Where(m => !applied.Contains(m)).ToList();
            var data = new Dictionary<string, object> { ["appliedMigrations"] = applied.Count, ["pendingMigrations"] = pending.Count };
            return pending.Count == 0
                ? HealthCheckResult.Healthy("PostgreSQL reachable, schema up to date", data)
                : HealthCheckResult.Unhealthy($"{pending.Count} migrations not applied", data: data);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The message only: a connection string must never reach a health response.
            return HealthCheckResult.Unhealthy("PostgreSQL not reachable: " + ex.GetBaseException().GetType().Name);
        }
    }
}
