using System.Diagnostics;

using Microsoft.Extensions.Options;

using Hangfire;
using Hangfire.Server;

using RecommenderService.Api.Items;
using RecommenderService.Api.Items.PopularItems;
using RecommenderService.Api.Model.Loading;
using RecommenderService.Api.Model.Rollout;
using RecommenderService.Api.Model.Versions;
using RecommenderService.Api.Observability;
using RecommenderService.Api.Ratings;
using RecommenderService.Api.Users;
using RecommenderService.Engine;

namespace RecommenderService.Api.Model.Training;

/// <summary>
/// The Hangfire job that retrains the model, in stages that <see cref="RunAsync"/> reads as: read every rating, run the
/// engine's <see cref="TemporalTraining"/> recipe (early stop on the newest ratings, both heads, holdout report, refit),
/// judge it against the active model on the same holdout (<see cref="QualityGate"/>), store, and roll the version out
/// through <see cref="ModelRollout"/>. One at a time across replicas (<see cref="TrainingLock"/>).
/// </summary>
public sealed class RetrainJob(
    RatingSnapshotReader snapshots,
    CatalogueAttributes catalogue,
    UserProfileStore profiles,
    ModelVersionStore versions,
    TrainingLock trainingLock,
    TrainingRecovery recovery,
    ModelRollout rollout,
    ModelRefresher refresher,
    ModelHolder holder,
    LifecycleMetrics metrics,
    IOptions<TrainingSettings> settings,
    IOptions<RatingScaleOptions> scale,
    IOptions<PopularityOptions> popularity,
    IOptions<ItemIndexSettings> indexing,
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

        /// <summary>Every validation RMSE so far, one [epoch, RMSE] pair per early-stopping epoch, as a JSON array (the dashboard draws it).</summary>
        public const string ValidationCurve = "validationCurve";
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
        // We hold the lock, so a version still in 'training' belongs to a process that died.
        await recovery.FailInterruptedAsync(cancellationToken);

        // Checked before anything is read; the defaults that depend on the data's size are settled after the read.
        var (options, ranking) = CheckedOptions(parameters, ratings: 0);
        var jobId = context?.BackgroundJob.Id;
        var version = await versions.CreateTrainingAsync(jobId, ModelHyperparameters.From(options, null, ranking), cancellationToken);
        context?.SetJobParameter(Progress.ModelVersion, version);
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["ModelVersion"] = version, ["JobId"] = jobId });
        var total = Stopwatch.StartNew();
        using var span = Tracing.StartRetrain(version, jobId);
        var progress = new TrainingProgress(context, logger);
        try
        {
            // Compare with the model this replica serves, and know which ratings it was trained on.
            await TryRefreshAsync(cancellationToken);
            var active = holder.Current;

            progress.Phase("reading");
            var data = await ReadAsync(version, active, cancellationToken);
            progress.Phase("early-stopping");
            var (trained, stoppedItself) = await TrainAsync(data, parameters, progress, cancellationToken);
            var comparison = active is null ? null : CompareWithActive(trained, data.Snapshot, active);
            var decision = QualityGate.Decide(trained.Report, comparison, settings.Value.QualityMargin);
            progress.Phase("storing");
            await StoreAsync(version, data, trained, stoppedItself, comparison, decision, total, cancellationToken);
            LogDecision(version, trained.Report, comparison, decision);
            if (decision.Accepted)
            {
                progress.Phase("preloading");
                await RollOutAsync(version, total, cancellationToken);
            }
            else await versions.PruneBlobsAsync(settings.Value.KeepVersions, cancellationToken);
            metrics.Judged(decision.Rejection, total.Elapsed);
            progress.Phase(decision.Accepted ? "activated" : "rejected");
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

    /// <summary>The rating head's and the ranking head's options for <paramref name="ratings"/> ratings, checked.</summary>
    private (TrainingOptions Options, RankingOptions? Ranking) CheckedOptions(RetrainParameters? parameters, int ratings)
    {
        var options = settings.Value.ToOptions(parameters, scale.Value.Scale, ratings);
        options.Validate();
        var ranking = settings.Value.ToRankingOptions(parameters, scale.Value.Scale, ratings);
        ranking?.Validate();
        return (options, ranking);
    }

    /// <summary>Stage 1: every rating (one snapshot), the catalogue's attributes and the users' profiles.</summary>
    private async Task<TrainingData> ReadAsync(int version, ServingModel? active, CancellationToken cancellationToken)
    {
        var snapshot = await metrics.TimeAsync(RetrainStage.Read, () => snapshots.ReadAsync(active?.DataCutoff, cancellationToken));
        // Outside the ratings' snapshot: the map learns from the trained items' attributes, which a write in between only edits.
        var attributes = await catalogue.ReadAllAsync(cancellationToken);
        var userAttributes = await profiles.ReadAllTokensAsync(cancellationToken);
        logger.LogInformation("Training version {Version} on {Ratings} ratings ({Users} users, {Items} items, {ItemsWithAttributes} catalogue items with attributes), read in {Seconds:F2} s",
            version, snapshot.Ratings.Count, snapshot.Ratings.UserCount, snapshot.Ratings.ItemCount, attributes.Count, snapshot.ReadSeconds);
        return new TrainingData(snapshot, attributes, userAttributes);
    }

    /// <summary>
    /// Stage 2: the engine's recipe (both heads with early stopping on the newest ratings, the holdout report, the refit);
    /// <c>StoppedItself</c> when early stopping chose the epoch count (none was set).
    /// </summary>
    private async Task<(TemporalTrainingResult Trained, bool StoppedItself)> TrainAsync(TrainingData data, RetrainParameters? parameters, TrainingProgress progress,
        CancellationToken cancellationToken)
    {
        var (options, ranking) = CheckedOptions(parameters, data.Snapshot.Ratings.Count);
        var judging = new ListJudging(popularity.Value.ToSettings(), (float?)settings.Value.LikedThreshold, (float?)settings.Value.DislikedThreshold);
        var trained = await Task.Run(() => TemporalTraining.Run(data.Snapshot.Ratings, options, ranking, settings.Value.HoldoutFraction,
            progress.Epoch, progress.RankingIteration, cancellationToken, data.ItemAttributes, judging, data.UserAttributes), cancellationToken);
        metrics.TrainingRan(trained.Timings);
        if (trained.Model.AttributeMap is { } map)
            logger.LogInformation("Attribute map fitted on {FittedItems} items over {Attributes} attributes: new items with those attributes are served before the next training",
                map.Fitted, map.Attributes.Count);
        if (trained.Model.UserAttributeMap is { } userMap)
            logger.LogInformation("User attribute map fitted on {FittedUsers} users over {Tokens} profile tokens: users with a profile are served from it until they rate",
                userMap.Fitted, userMap.Attributes.Count);
        if (trained.UserMapChoice is { Steps.Count: > 0 } choice)
            logger.LogInformation(
                "User attribute map lambda {UserMapLambda:G4} per token, chosen on {ValidationUsers} users' {ValidationRatings} ratings after the cut: profile-only RMSE {UserMapRmse:F4}, mean user {MeanUserRmse:F4}, mu + b_i {BaselineRmse:F4}",
                choice.Regularization, choice.ValidationUsers, choice.ValidationRatings, choice.Rmse, choice.MeanUserRmse, choice.BaselineRmse);
        else if (trained.UserMapChoice is { } fixedChoice)
            logger.LogInformation("User attribute map lambda {UserMapLambda:G4} per token, the default: too few users with a profile rated after the cut to choose it",
                fixedChoice.Regularization);
        if (trained.RankingSearch is { Steps.Count: > 0 } search)
            logger.LogInformation(
                "Ranking penalty search on the newest ratings before the cut: {Tried} candidates, chose x{Multiplier} (validation NDCG@10 {Ndcg:F4}, popularity {PopularityNdcg:F4}); served head's lambda {Lambda:G4}",
                search.Steps.Count, search.Multiplier, search.Steps.Where(s => s.Multiplier == search.Multiplier).Max(s => s.Ndcg),
                search.PopularityNdcg, trained.Model.Ranking?.Regularization);
        return (trained, options.Epochs is null);
    }

    /// <summary>Stage 4 (after the gate's decision): the model file, its figures and the decision, in one version row.</summary>
    private async Task StoreAsync(int version, TrainingData data, TemporalTrainingResult trained, bool stoppedItself, ActiveModelComparison? comparison,
        GateDecision decision, Stopwatch total, CancellationToken cancellationToken)
    {
        using var storing = metrics.Stage(RetrainStage.Store);
        var store = Stopwatch.StartNew();
        using var blob = new MemoryStream();
        ModelSerializer.Write(trained.Model, blob);
        // Timed with the store: the indexes are what a replica loads with the model.
        var itemIndexes = decision.Rejection is null ? BuildItemIndexes(version, trained.Model) : null;
        var timings = new RetrainTimings(data.Snapshot.ReadSeconds, trained.Timings.RatingHeadSeconds, trained.Timings.RankingHeadSeconds,
            trained.Timings.EvaluateSeconds, trained.Timings.RefitSeconds, store.Elapsed.TotalSeconds);
        var completed = new CompletedTraining(
            ModelHyperparameters.From(trained.Options, trained.BestEpoch, trained.Ranking, trained.Model.Ranking?.Regularization,
                stoppedItself),
            ModelMetrics.From(trained.Report, comparison, timings),
            trained.Model.Users.Count, trained.Model.Items.Count, data.Snapshot.Ratings.Count, total.Elapsed.TotalSeconds,
            data.Snapshot.DataCutoff, decision.Rejection);
        await versions.CompleteAsync(version, completed, blob.ToArray(), itemIndexes, cancellationToken);
        metrics.Candidate(completed.Metrics);
    }

    /// <summary>
    /// The item indexes of an accepted model large enough to be indexed, built once here so that every replica loads them
    /// instead of building its own; null when it is not indexed.
    /// </summary>
    private byte[]? BuildItemIndexes(int version, FactorModel model)
    {
        if (model.Ranking is null || !indexing.Value.Indexes(model.Items.Count)) return null;
        var indexes = ItemIndexes.Build(model, indexing.Value.ToOptions());
        using var stream = new MemoryStream();
        ItemIndexFile.Write(indexes, stream);
        logger.LogInformation("Version {Version}: item indexes over {Items} items built in {Milliseconds} ms, {Megabytes} MB stored",
            version, model.Items.Count, (long)indexes.BuildTime.TotalMilliseconds, stream.Length >> 20);
        return stream.ToArray();
    }

    /// <summary>Stage 5: every live replica preloads the version, then one transaction activates it; old files are pruned.</summary>
    private async Task RollOutAsync(int version, Stopwatch total, CancellationToken cancellationToken)
    {
        var result = await rollout.RollOutAsync(version, trained: true, cancellationToken);
        if (!result.Activated) throw new InvalidOperationException($"Version {version} could not be activated: {result.Problem}");
        var pruned = await versions.PruneBlobsAsync(settings.Value.KeepVersions, cancellationToken);
        logger.LogInformation("Version {Version} active after {Seconds:F1} s; {Pruned} old blob(s) deleted", version, total.Elapsed.TotalSeconds, pruned);
    }

    /// <summary>The candidate and the active model on the holdout ratings neither trained on (see <see cref="ActiveModelComparison"/>).</summary>
    private static ActiveModelComparison CompareWithActive(TemporalTrainingResult trained, RatingSnapshot snapshot, ServingModel active)
    {
        var seenByActive = snapshot.WrittenBefore;
        var unseen = new List<int>(trained.TestRows.Length);
        for (var t = 0; t < trained.TestRows.Length; t++)
            if (seenByActive is null || !seenByActive[trained.TestRows[t]]) unseen.Add(t);
        var test = trained.Split.Test;
        var result = ModelComparison.Compare(new FactorModelPredictor(trained.HoldoutModel),
            new RemappedPredictor(active.Model, test.Users, test.Items), test, unseen.ToArray());
        return result.Ratings == 0
            ? new ActiveModelComparison(active.Version, 0, null, null, false)
            : new ActiveModelComparison(active.Version, result.Ratings, result.CandidateRmse, result.OtherRmse,
                result.Ratings >= QualityGate.MinComparisonRatings);
    }

    private void LogDecision(int version, HoldoutReport report, ActiveModelComparison? active, GateDecision decision)
    {
        if (report.NewcomerLists is { } newcomers)
            logger.LogInformation(
                "Version {Version} newcomer lists on {NewcomerUsers} users ({JudgedOn}): {Candidates} -> {NewcomerList} (served {ServedNewcomerList})",
                version, newcomers.Users, newcomers.JudgedOn,
                string.Join(", ", newcomers.Candidates.Select(c => FormattableString.Invariant(
                    $"{PopularityLists.Name(c.List)} P@10 {c.Scores.Rated.Precision:F4} liked {c.Scores.Liked.Precision:F4}"))),
                PopularityLists.Name(newcomers.Winner), PopularityLists.Name(newcomers.Served));
        logger.LogInformation(
            "Version {Version} on {HoldoutRatings} holdout ratings: RMSE {Rmse:F4} (biases {BaselineRmse:F4}); lists on {ListUsers} users with history: " +
            "ranking head {RankingNdcg} (alone {RankingOnlyNdcg}), rating head {RatingNdcg}, popularity as served {ServedPopularityNdcg} (most rated {PopularityNdcg}) -> {ListSource}; against active version {ActiveVersion}: " +
            "on {ActiveRatings} ratings neither saw, candidate {CandidateRmse} active {ActiveRmse}",
            version, report.HoldoutRatings, report.Rmse, report.BaselineRmse, report.ListUsers,
            report.RankingHead?.Ndcg, report.RankingHeadOnlyLists?.Rated.Ndcg, report.RatingHead?.Ndcg, report.ServedPopularityLists?.Rated.Ndcg, report.MostRated?.Ndcg, ListSourceNames.Name(decision.ListSource),
            active?.Version, active?.Ratings, active?.CandidateRmse, active?.ActiveRmse);
        if (!decision.Accepted) logger.LogWarning("Version {Version} rejected by the quality gate: {Reason}", version, decision.Rejection);
    }

    private async Task TryRefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            await refresher.RefreshNowAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Could not refresh the active model before training: {Error}", ex.Message);
        }
    }

}
