using System.Diagnostics;
using RecommenderService.Engine;

namespace RecommenderService.Api.Training;

/// <summary>What one training produced: the model to serve and the figures that judge it.</summary>
public sealed record TrainingOutcome(
    FactorModel Model,
    TrainingOptions Options,
    int BestEpoch,
    int RatingCount,
    ModelMetrics Metrics,
    TrainingTimings Timings);

/// <summary>Holdout figures of a model version (API.md's <c>metrics</c>).</summary>
public sealed record ModelMetrics(
    double Rmse, double Mae, double PrecisionAt10, double RecallAt10, double NdcgAt10,
    double BaselineRmse, int HoldoutRatings, int RankingUsers);

/// <summary>Seconds per stage of a training.</summary>
public sealed record TrainingTimings(double ReadSeconds, double TrainSeconds, double EvaluateSeconds, double RefitSeconds);

/// <summary>
/// One training as the lifecycle prescribes it, on the engine: hold out the newest ratings, early-stop on
/// them, measure the model and the biases-only baseline on them, then refit on everything for the best
/// epoch count. The host only orchestrates; every number comes from the engine.
/// </summary>
public static class TrainingRun
{
    public static TrainingOutcome Execute(
        RatingSnapshot snapshot, TrainingOptions options, double holdoutFraction,
        Action<EpochProgress> onEpoch, CancellationToken cancellationToken)
    {
        var all = snapshot.Ratings;
        if (all.Count < 2 || all.UserCount < 1 || all.ItemCount < 1)
            throw new InvalidOperationException($"Too little data to train: {all.Count} ratings.");

        var split = TemporalSplit.Split(all, holdoutFraction);
        var watch = Stopwatch.StartNew();
        var trainer = new SgdTrainer(options);
        var fitted = trainer.Train(split.Train, split.Test, onEpoch, cancellationToken);
        var trainSeconds = watch.Elapsed.TotalSeconds;

        watch.Restart();
        var evaluation = new EvaluationOptions { K = 10, MaxRankingUsers = 5_000, Seed = (uint)options.Seed };
        var model = Evaluation.Evaluate(new FactorModelPredictor(fitted.Model), split.Train, split.Test, evaluation);
        var baseline = BiasBaseline.Fit(split.Train, options.Scale);
        var baselineRmse = ErrorMetrics.Rmse(ErrorMetrics.Predictions(baseline, split.Test), split.Test.Value);
        var evaluateSeconds = watch.Elapsed.TotalSeconds;

        // The refit sees the newest ratings too, so recent raters are in the served model.
        watch.Restart();
        var epochs = options.Epochs ?? Math.Max(1, fitted.BestEpoch);
        var refit = new SgdTrainer(options with { Epochs = epochs }).Train(all, null, onEpoch, cancellationToken);
        var refitSeconds = watch.Elapsed.TotalSeconds;

        return new TrainingOutcome(
            refit.Model,
            options with { Epochs = epochs },
            fitted.BestEpoch,
            all.Count,
            new ModelMetrics(model.Rmse, model.Mae, model.Ranking.Precision, model.Ranking.Recall, model.Ranking.Ndcg,
                baselineRmse, split.Test.Count, model.Ranking.Users),
            new TrainingTimings(snapshot.ReadSeconds, trainSeconds, evaluateSeconds, refitSeconds));
    }
}
