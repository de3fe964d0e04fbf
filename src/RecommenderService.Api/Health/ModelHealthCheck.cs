using Microsoft.Extensions.Diagnostics.HealthChecks;
using RecommenderService.Api.Model.Loading;

namespace RecommenderService.Api.Health;

/// <summary>
/// Reports which model version this replica serves from memory (API.md: readiness "reports the active
/// model version"). Never unhealthy: without a model the replica still serves popularity lists.
/// </summary>
public sealed class ModelHealthCheck(ModelHolder models) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var current = models.Current;
        var data = new Dictionary<string, object>
        {
            ["modelVersion"] = current?.Version is { } version ? version : "none",
        };
        if (current is not null)
        {
            data["users"] = current.Model.Users.Count;
            data["items"] = current.Model.Items.Count;
            data["trainedAt"] = current.TrainedAt;
            data["lastSwap"] = models.LastSwapFromStandby ? "standby" : "database";
        }
        return Task.FromResult(HealthCheckResult.Healthy(
            current is null ? "No model yet: lists come from popularity" : $"Serving model version {current.Version}", data));
    }
}
