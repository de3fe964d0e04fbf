using Hangfire;
using Hangfire.States;
using RecommenderService.Api.Model.Versions;

namespace RecommenderService.Api.Model.Training;

/// <summary>
/// Finds trainings whose process died. A training holds <see cref="TrainingLock"/> from before its version row
/// is created until after the row leaves <c>training</c>, and PostgreSQL drops the lock with the connection of a
/// killed process; so a version in <c>training</c> while the lock is free belongs to a dead process. It is marked
/// <c>failed</c> and its Hangfire job failed too, so a retrain is accepted at once instead of after Hangfire's
/// invisibility timeout (30 minutes), when the dead job would otherwise be picked up again.
/// </summary>
public sealed class TrainingRecovery(TrainingLock trainingLock, ModelVersionStore versions, IBackgroundJobClient jobs, ILogger<TrainingRecovery> logger)
{
    /// <summary>Recovers if no training is running; returns how many versions were marked failed.</summary>
    public async Task<int> RecoverAsync(CancellationToken cancellationToken)
    {
        await using var held = await trainingLock.AcquireAsync(wait: false, cancellationToken);
        if (held is null) return 0; // a training is running: nothing died
        return await FailInterruptedAsync(cancellationToken);
    }

    /// <summary>Marks interrupted versions and their jobs failed. The caller must hold the training lock.</summary>
    public async Task<int> FailInterruptedAsync(CancellationToken cancellationToken)
    {
        var failed = await versions.FailInterruptedAsync(cancellationToken);
        foreach (var (version, jobId) in failed)
        {
            logger.LogWarning("Training of version {Version} (job {JobId}) was interrupted: its process stopped; marked failed", version, jobId);
            if (jobId is null) continue;
            // Only a job still shown as processing is changed; one that already ended keeps its state.
            jobs.ChangeState(jobId, new FailedState(new InvalidOperationException(
                $"The process training model version {version} stopped before it finished.")), ProcessingState.StateName);
        }
        return failed.Count;
    }
}
