using Microsoft.Extensions.Options;
using Prometheus;
using RecommenderService.Api.Lifecycle;

namespace RecommenderService.Api.Observability;

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
    private readonly Gauge _rmse, _mae, _precision, _ndcg, _popularityNdcg;
    private readonly TimeProvider _clock;
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
            "Holdout NDCG@10 of the popularity list on the same holdout (the bar a model's lists must clear).", model);

        foreach (var stage in RetrainStage.All) _stageDuration.WithLabels(stage);
        foreach (var outcome in new[] { (RetrainOutcome.Activated, RetrainOutcome.None), (RetrainOutcome.Failed, RetrainOutcome.Error) })
            _retrains.WithLabels(outcome.Item1, outcome.Item2);
        _interval.Set(CronInterval.LongestGap(settings.Value.Cron).TotalSeconds);

        Served(models.Current);
        models.Swapped += Served;
        registry.BeforeScrape(UpdateAge);
    }

    /// <summary>Times one stage; dispose at the stage's end.</summary>
    public StageTimer Stage(string stage) => new(_stageDuration.WithLabels(stage), stage);

    /// <summary>Records a stage timed elsewhere (the engine's own stopwatch).</summary>
    public void RecordStage(string stage, double seconds) => _stageDuration.WithLabels(stage).Observe(seconds);

    /// <summary>Records a retrain's end and its duration.</summary>
    public void Finished(string outcome, string reason, double seconds)
    {
        _retrains.WithLabels(outcome, reason).Inc();
        _retrainDuration.Observe(seconds);
    }

    /// <summary>The holdout figures of the model just trained here, whether or not it passed the gate.</summary>
    public void Candidate(ModelMetrics metrics) => SetFigures("candidate", metrics);

    /// <summary>The holdout figures recorded for the model this replica now serves.</summary>
    public void Active(ModelMetrics? metrics)
    {
        if (metrics is null)
            foreach (var gauge in new[] { _rmse, _mae, _precision, _ndcg, _popularityNdcg }) gauge.RemoveLabelled("active");
        else
            SetFigures("active", metrics);
    }

    /// <summary>This replica serves a version activated <paramref name="delay"/> ago.</summary>
    public void SwapDelay(TimeSpan delay) => _swapDelay.Observe(Math.Max(0, delay.TotalSeconds));

    private void SetFigures(string model, ModelMetrics metrics)
    {
        _rmse.WithLabels(model).Set(metrics.Rmse);
        _mae.WithLabels(model).Set(metrics.Mae);
        _precision.WithLabels(model).Set(metrics.PrecisionAt10);
        _ndcg.WithLabels(model).Set(metrics.NdcgAt10);
        _popularityNdcg.WithLabels(model).Set(metrics.PopularityNdcgAt10);
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
