using System.Diagnostics;
using Hangfire;
using Hangfire.Server;
using Microsoft.Extensions.Options;
using RecommenderService.Api.Observability;
using RecommenderService.Api.Options;
using RecommenderService.Api.Serving;
using RecommenderService.Engine;

namespace RecommenderService.Api.Lifecycle;

/// <summary>
/// The Hangfire job that retrains the model: read every rating, train with early stopping on the newest,
/// measure, refit, store, pass the quality gate, activate and announce. One at a time across replicas.
/// </summary>
public sealed class RetrainJob(
    RatingSnapshotReader snapshots,
    ModelVersionStore versions,
    TrainingLock trainingLock,
    ModelRefresher refresher,
    LifecycleMetrics metrics,
    IOptions<TrainingSettings> settings,
    IOptions<RatingScaleOptions> scale,
    ILogger<RetrainJob> logger)
{
    public const string Queue = "training";
    public const string RecurringId = "retrain";

    /// <summary>Job parameters the status endpoint reads while the job runs.</summary>
    public static class Progress
    {
        public const string Phase = "phase";
        public const string Epoch = "epoch";
        public const string ValidationRmse = "validationRmse";
        public const string ModelVersion = "modelVersion";
    }

    /// <summary>
    /// Runs one training. <paramref name="scheduled"/> runs skip when another training holds the lock;
    /// requested ones queue behind it. Returns the new version, or null when skipped.
    /// </summary>
    [AutomaticRetry(Attempts = 0)] // a failed training is recorded as such; the next schedule tries again
    [Queue(Queue)]
    public async Task<int?> RunAsync(RetrainParameters? parameters, bool scheduled, PerformContext? context, CancellationToken cancellationToken)
    {
        await using var held = await trainingLock.AcquireAsync(wait: !scheduled, cancellationToken);
        if (held is null)
        {
            logger.LogInformation("Scheduled retrain skipped: another training is running");
            return null;
        }
        var interrupted = await versions.FailInterruptedAsync(cancellationToken);
        if (interrupted > 0) logger.LogWarning("Marked {Count} interrupted training(s) as failed", interrupted);

        var options = settings.Value.ToOptions(parameters, scale.Value.Scale);
        options.Validate();
        var ranking = settings.Value.ToRankingOptions(parameters);
        ranking?.Validate();
        var jobId = context?.BackgroundJob.Id;
        var version = await versions.CreateTrainingAsync(jobId, new { options.Factors, options.Epochs, options.LearningRate, options.Regularization, options.BiasRegularization, rankingFactors = ranking?.Factors }, cancellationToken);
        context?.SetJobParameter(Progress.ModelVersion, version);
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["ModelVersion"] = version, ["JobId"] = jobId });
        var total = Stopwatch.StartNew();
        using var span = Tracing.StartRetrain(version, jobId);
        try
        {
            context?.SetJobParameter(Progress.Phase, "reading");
            var snapshot = await metrics.TimeAsync(RetrainStage.Read, () => snapshots.ReadAsync(cancellationToken));
            logger.LogInformation("Training version {Version} on {Ratings} ratings ({Users} users, {Items} items), read in {Seconds:F2} s",
                version, snapshot.Ratings.Count, snapshot.Ratings.UserCount, snapshot.Ratings.ItemCount, snapshot.ReadSeconds);

            var phase = "early-stopping";
            context?.SetJobParameter(Progress.Phase, phase);
            void OnEpoch(EpochProgress epoch)
            {
                if (epoch.ValidationRmse is null && phase != "refit")
                {
                    phase = "refit";
                    context?.SetJobParameter(Progress.Phase, phase);
                }
                logger.LogInformation("Epoch {Epoch} ({Phase}): train RMSE {TrainRmse:F4}, validation RMSE {ValidationRmse:F4}, {Seconds:F2} s",
                    epoch.Epoch, phase, epoch.TrainRmse, epoch.ValidationRmse, epoch.Seconds);
                context?.SetJobParameter(Progress.Epoch, epoch.Epoch);
                if (epoch.ValidationRmse is { } rmse) context?.SetJobParameter(Progress.ValidationRmse, rmse);
            }

            void OnRankingIteration(RankingProgress iteration)
            {
                if (phase != "ranking")
                {
                    phase = "ranking";
                    context?.SetJobParameter(Progress.Phase, phase);
                }
                logger.LogInformation("Ranking iteration {Iteration}: loss {Loss:F1}, {Seconds:F2} s", iteration.Iteration, iteration.Loss, iteration.Seconds);
            }

            var outcome = await Task.Run(() => TrainingRun.Execute(snapshot, options, ranking, settings.Value.HoldoutFraction, OnEpoch, OnRankingIteration, cancellationToken), cancellationToken);

            metrics.TrainingRan(outcome);
            context?.SetJobParameter(Progress.Phase, "storing");
            var storing = metrics.Stage(RetrainStage.Store);
            using var blob = new MemoryStream();
            ModelSerializer.Write(outcome.Model, blob);
            var activeRmse = await versions.ActiveRmseAsync(cancellationToken);
            var rejection = QualityGate.Check(outcome.Metrics, activeRmse, settings.Value.QualityMargin);
            await versions.CompleteAsync(version, outcome, snapshot.DataCutoff, blob.ToArray(), total.Elapsed.TotalSeconds, rejection, cancellationToken);
            var pruned = await versions.PruneBlobsAsync(settings.Value.KeepVersions, cancellationToken);
            storing.Dispose();

            if (rejection is null)
            {
                // Every replica heard "stored" and loads the blob now; then the switch is a swap everywhere.
                using var rollout = Tracing.Source.StartActivity("rollout");
                context?.SetJobParameter(Progress.Phase, "preloading");
                await metrics.TimeAsync(RetrainStage.Preload, () => Task.Delay(TimeSpan.FromSeconds(settings.Value.PreloadSeconds), cancellationToken));
                var swapping = metrics.Stage(RetrainStage.Swap);
                await versions.ActivateTrainedAsync(version, cancellationToken);
                // This replica swaps at once; the others hear the NOTIFY sent on commit.
                await refresher.RefreshNowAsync(cancellationToken);
                swapping.Dispose();
                logger.LogInformation(
                    "Version {Version} active: holdout RMSE {Rmse:F4} (baseline {BaselineRmse:F4}), NDCG@10 {Ndcg:F4}, {Seconds:F1} s in all; {Pruned} old blobs deleted",
                    version, outcome.Metrics.Rmse, outcome.Metrics.BaselineRmse, outcome.Metrics.NdcgAt10, total.Elapsed.TotalSeconds, pruned);
            }
            else
            {
                logger.LogWarning("Version {Version} rejected by the quality gate: {Reason}", version, rejection);
            }
            metrics.Judged(rejection, total.Elapsed);
            context?.SetJobParameter(Progress.Phase, rejection is null ? "activated" : "rejected");
            return version;
        }
        catch (OperationCanceledException ex)
        {
            metrics.Failed(ex, total.Elapsed);
            await versions.MarkFailedAsync(version, "training was cancelled");
            throw;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Training of version {Version} failed", version);
            metrics.Failed(ex, total.Elapsed);
            await versions.MarkFailedAsync(version, ex.Message);
            throw;
        }
    }
}
