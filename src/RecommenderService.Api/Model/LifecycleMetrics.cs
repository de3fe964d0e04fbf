using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Prometheus;
using RecommenderService.Api.Model.Loading;
using RecommenderService.Api.Model.Training;
using RecommenderService.Api.Model.Versions;
using RecommenderService.Api.Observability;
using RecommenderService.Engine;

namespace RecommenderService.Api.Model;

/// <summary>
/// The model's life as Prometheus sees it: which version this replica serves and how old it is, how long
/// each retrain stage takes, how retrains end, the holdout figures of the last candidate and of the active
/// model, and how long after an activation this replica serves the new model.
/// </summary>
public sealed class LifecycleMetrics
{
    private readonly Gauge _activeVersion;
    private readonly Gauge _age;
    private readonly Gauge _trainedAt;
    private readonly Gauge _dataCutoff;
    private readonly Gauge _interval;
    private readonly Histogram _stageDuration;
    private readonly Histogram _retrainDuration;
    private readonly Counter _retrains;
    private readonly Histogram _swapDelay;
    private readonly Gauge _rmse, _mae, _precision, _ndcg, _popularityNdcg, _servedPopularityNdcg;
    private readonly TimeProvider _clock;
    private readonly Stopwatch _uptime = Stopwatch.StartNew();
    private ServingModel? _serving;

    public LifecycleMetrics(MetricsRegistry registry, ModelHolder models, IOptions<TrainingSettings> settings, TimeProvider clock)
    {
        _clock = clock;
        var factory = registry.Factory;
        _activeVersion = factory.CreateGauge("recommender_active_model_version",
            "Version of the model this replica serves (0 = none: lists come from popularity).");
        _age = factory.CreateGauge("recommender_model_age_seconds",
            "Seconds since the model this replica serves finished training (absent while none is served).");
        _trainedAt = factory.CreateGauge("recommender_model_trained_timestamp_seconds",
            "Unix time at which the model this replica serves finished training.");
        _dataCutoff = factory.CreateGauge("recommender_model_data_cutoff_timestamp_seconds",
            "Unix time of the newest rating the served model was trained on; later raters are folded in.");
        _interval = factory.CreateGauge("recommender_retrain_interval_seconds",
            "Longest gap between two scheduled retrains (from Training:Cron); the freshness alert compares the model's age with it.");
        _stageDuration = factory.CreateHistogram("recommender_retrain_stage_duration_seconds",
            "Seconds spent in each stage of a retrain and its rollout.",
            new HistogramConfiguration { LabelNames = ["stage"], Buckets = Histogram.ExponentialBuckets(0.005, 2.5, 14) });
        _retrainDuration = factory.CreateHistogram("recommender_retrain_duration_seconds",
            "Seconds from the start of a retrain to its end (activated, rejected or failed).",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.05, 2.5, 13) });
        _retrains = factory.CreateCounter("recommender_retrains_total",
            "Retrains finished on this replica, by outcome (activated, rejected, failed) and reason class.",
            new CounterConfiguration { LabelNames = ["outcome", "reason"] });
        _swapDelay = factory.CreateHistogram("recommender_model_swap_delay_seconds",
            "Seconds from a version's activation in the database to this replica serving it.",
            new HistogramConfiguration { Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] });
        string[] model = ["model"];
        _rmse = factory.CreateGauge("recommender_model_holdout_rmse",
            "Holdout RMSE of the rating head (model = candidate: the last one trained here; active: the one served).", model);
        _mae = factory.CreateGauge("recommender_model_holdout_mae", "Holdout MAE of the rating head.", model);
        _precision = factory.CreateGauge("recommender_model_holdout_precision_at_10", "Holdout precision@10 of the lists users get.", model);
        _ndcg = factory.CreateGauge("recommender_model_holdout_ndcg_at_10", "Holdout NDCG@10 of the lists users get.", model);
        _popularityNdcg = factory.CreateGauge("recommender_model_holdout_popularity_ndcg_at_10",
            "Holdout NDCG@10 of the most-rated list on the same holdout (the yardstick \"most popular\").", model);
        _servedPopularityNdcg = factory.CreateGauge("recommender_model_holdout_served_popularity_ndcg_at_10",
            "Holdout NDCG@10 of the popular list the service serves (damped mean) on the same holdout (the bar a model's lists must clear).", model);

        foreach (var stage in RetrainStage.All) _stageDuration.WithLabels(stage);
        // Every series exists at zero from start-up, so increase() and rate() see an outcome's first occurrence.
        foreach (var (outcome, reason) in RetrainOutcome.All) _retrains.WithLabels(outcome, reason);
        _interval.Set(CronInterval.LongestGap(settings.Value.Cron).TotalSeconds);

        Served(models.Current);
        models.Swapped += Served;
        registry.BeforeScrape(UpdateAge);
    }

    /// <summary>Times one stage; dispose at the stage's end.</summary>
    public StageTimer Stage(string stage) => new(_stageDuration.WithLabels(stage), stage);

    /// <summary>Times an awaited stage (a call site stays one line).</summary>
    public async Task<T> TimeAsync<T>(string stage, Func<Task<T>> work)
    {
        using var _ = Stage(stage);
        return await work();
    }

    /// <summary>Times an awaited stage that returns nothing.</summary>
    public async Task TimeAsync(string stage, Func<Task> work)
    {
        using var _ = Stage(stage);
        await work();
    }

    /// <summary>
    /// Records the stages the training run timed itself (on the engine's threads) and gives each a span
    /// placed where it ran: the run's stages are back to back and ended at <paramref name="ended"/>.
    /// </summary>
    private void TrainingStages(StageTimings timings, DateTimeOffset ended)
    {
        var at = ended - TimeSpan.FromSeconds(timings.RatingHeadSeconds + timings.RankingHeadSeconds + timings.EvaluateSeconds + timings.RefitSeconds);
        foreach (var (stage, seconds) in new[]
                 {
                     (RetrainStage.RatingHead, timings.RatingHeadSeconds), (RetrainStage.RankingHead, timings.RankingHeadSeconds),
                     (RetrainStage.Evaluate, timings.EvaluateSeconds), (RetrainStage.Refit, timings.RefitSeconds),
                 })
        {
            _stageDuration.WithLabels(stage).Observe(seconds);
            using var span = Tracing.Source.StartActivity("retrain." + stage, ActivityKind.Internal, parentContext: default, startTime: at);
            span?.SetTag("retrain.stage", stage);
            at += TimeSpan.FromSeconds(seconds);
            span?.SetEndTime(at.UtcDateTime);
        }
    }

    /// <summary>The engine's training run has just ended: its stages, as it timed them.</summary>
    public void TrainingRan(StageTimings timings) => TrainingStages(timings, _clock.GetUtcNow());

    /// <summary>The holdout figures of the candidate just trained here, whether or not it passes the gate.</summary>
    public void Candidate(ModelMetrics metrics) => SetFigures("candidate", metrics);

    /// <summary>A retrain ran to its end: activated (<paramref name="rejection"/> null) or rejected by the gate.</summary>
    public void Judged(string? rejection, TimeSpan elapsed) =>
        Finished(rejection is null ? RetrainOutcome.Activated : RetrainOutcome.Rejected,
            rejection is null ? RetrainOutcome.None : RetrainOutcome.ReasonClass(rejection), elapsed);

    /// <summary>A retrain failed or was cancelled; its span says so too.</summary>
    public void Failed(Exception exception, TimeSpan elapsed)
    {
        var cancelled = exception is OperationCanceledException;
        Finished(RetrainOutcome.Failed, cancelled ? RetrainOutcome.Cancelled : RetrainOutcome.Error, elapsed);
        Activity.Current?.SetStatus(ActivityStatusCode.Error, exception.Message);
        Activity.Current?.AddException(exception);
    }

    private void Finished(string outcome, string reason, TimeSpan elapsed)
    {
        _retrains.WithLabels(outcome, reason).Inc();
        _retrainDuration.Observe(elapsed.TotalSeconds);
    }

    /// <summary>
    /// This replica has just swapped in the active version, activated <paramref name="sinceActivation"/> ago,
    /// whose recorded holdout figures are <paramref name="figuresJson"/> (the <c>metrics</c> column). An
    /// activation from before this process started is a start-up load, not a swap, and is not a delay.
    /// </summary>
    public void ActiveServed(TimeSpan sinceActivation, string? figuresJson)
    {
        if (sinceActivation < _uptime.Elapsed) _swapDelay.Observe(Math.Max(0, sinceActivation.TotalSeconds));
        SetFigures("active", figuresJson);
    }

    private void SetFigures(string model, ModelMetrics metrics)
    {
        Set(_rmse, model, metrics.Rmse);
        Set(_mae, model, metrics.Mae);
        Set(_precision, model, metrics.PrecisionAt10);
        Set(_ndcg, model, metrics.NdcgAt10);
        Set(_popularityNdcg, model, metrics.PopularityNdcgAt10);
        Set(_servedPopularityNdcg, model, metrics.ServedPopularityNdcgAt10);
    }

    /// <summary>A figure the holdout could not give (no list users, a diverged run) is absent rather than a made-up number.</summary>
    private static void Set(Gauge gauge, string model, double? value)
    {
        if (value is { } v && double.IsFinite(v)) gauge.WithLabels(model).Set(v);
        else gauge.RemoveLabelled(model);
    }

    /// <summary>The figures as stored (API.md's <c>metrics</c>); a figure missing from an old row is not exported.</summary>
    private void SetFigures(string model, string? json)
    {
        using var document = json is null ? null : JsonDocument.Parse(json);
        var root = document?.RootElement;
        Set(_rmse, "rmse");
        Set(_mae, "mae");
        Set(_precision, "precisionAt10");
        Set(_ndcg, "ndcgAt10");
        Set(_popularityNdcg, "popularityNdcgAt10");
        Set(_servedPopularityNdcg, "servedPopularityNdcgAt10");

        void Set(Gauge gauge, string name) => LifecycleMetrics.Set(gauge, model,
            root is { ValueKind: JsonValueKind.Object } r && r.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
                ? value.GetDouble()
                : null);
    }

    private void Served(ServingModel? model)
    {
        Volatile.Write(ref _serving, model);
        _activeVersion.Set(model?.Version ?? 0);
        if (model is null)
        {
            _trainedAt.Unpublish();
            _dataCutoff.Unpublish();
            return;
        }
        _trainedAt.Set(model.TrainedAt.ToUnixTimeMilliseconds() / 1000.0);
        _dataCutoff.Set(model.DataCutoff.ToUnixTimeMilliseconds() / 1000.0);
        _trainedAt.Publish();
        _dataCutoff.Publish();
        UpdateAge();
    }

    private void UpdateAge()
    {
        var model = Volatile.Read(ref _serving);
        if (model is null)
        {
            _age.Unpublish();
            return;
        }
        _age.Set(Math.Max(0, (_clock.GetUtcNow() - model.TrainedAt).TotalSeconds));
        _age.Publish();
    }
}
