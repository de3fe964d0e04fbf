using Microsoft.Extensions.Options;
using RecommenderService.Api.Model.Loading;
using RecommenderService.Api.Model.Training;
using RecommenderService.Api.Model.Versions;
using RecommenderService.Api.Observability;
using RecommenderService.Api.Persistence.Entities;

namespace RecommenderService.Api.Model.Rollout;

/// <summary>
/// The one path by which a version becomes active, for the retrain job and the activate endpoint alike:
/// announce it (every replica loads it into standby), wait until every live replica acknowledges the load (or the
/// deadline), activate it in one transaction (its NOTIFY makes every replica swap the reference), and swap here
/// before returning. No sleeping: the wait ends when the last live replica has the version.
/// </summary>
public sealed class ModelRollout(
    ModelVersionStore versions,
    ReplicaRegistry replicas,
    ModelRefresher refresher,
    ModelHolder holder,
    LifecycleMetrics metrics,
    IOptions<TrainingSettings> settings,
    ILogger<ModelRollout> logger)
{
    /// <summary>Rolls <paramref name="version"/> out; <paramref name="trained"/> for the version a training just stored.</summary>
    public async Task<ActivationResult> RollOutAsync(int version, bool trained, CancellationToken cancellationToken)
    {
        using var span = Tracing.Source.StartActivity("rollout")?.SetTag("model.version", version);
        var preloading = metrics.Stage(RetrainStage.Preload);
        var (found, status, hasBlob) = await versions.StateAsync(version, cancellationToken);
        if (found && hasBlob && status != ModelStatus.Active && status != ModelStatus.Failed)
        {
            await versions.AnnounceStoredAsync(version, cancellationToken);
            var wait = await replicas.WaitForVersionAsync(version,
                TimeSpan.FromSeconds(settings.Value.HeartbeatSeconds), TimeSpan.FromSeconds(settings.Value.PreloadTimeoutSeconds), cancellationToken);
            if (wait.Complete)
                logger.LogInformation("Version {Version} loaded by {Replicas} live replica(s) in {Seconds:F2} s", version, wait.Ready.Count, wait.Seconds);
            else
                logger.LogWarning("Version {Version}: {Missing} live replica(s) had not loaded it after {Seconds:F1} s ({Replicas}); activating anyway, they load it on the switch",
                    version, wait.Missing.Count, wait.Seconds, string.Join(", ", wait.Missing));
        }
        preloading.Dispose();
        var swapping = metrics.Stage(RetrainStage.Swap);
        // This replica serves it before answering; the others swap on the NOTIFY sent on commit.
        var result = await refresher.ActivateAndServeAsync(() => versions.ActivateAsync(version, trained, cancellationToken), cancellationToken);
        if (result.Activated)
        {
            logger.LogInformation("Version {Version} active; this replica serves {Serving}", version, holder.Current?.Version);
            if (result.EndedExperiment is { } ended)
                logger.LogInformation("Activating version {Version} ended experiment {Experiment} ({Status}): {Reason}", version, ended.Id, ended.Status, ended.Reason);
        }
        swapping.Dispose();
        return result;
    }
}
