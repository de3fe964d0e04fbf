using System.Diagnostics;
using RecommenderService.Engine;

using RecommenderService.Api.Serving;
using RecommenderService.Api.Infrastructure;

namespace RecommenderService.Api.Lifecycle;

/// <summary>What one training produced: the model to serve and the figures that judge it.</summary>
public sealed record TrainingOutcome(
    FactorModel Model,
    TrainingOptions Options,
    RankingOptions? Ranking,
    int BestEpoch,
    int RatingCount,
    ModelMetrics Metrics,
    TrainingTimings Timings);

/// <summary>
/// Holdout figures of a model version (API.md's <c>metrics</c>): rating error of the rating head, list
/// quality of the lists users get (the ranking head when there is one), and the baselines both must beat.
/// </summary>
public sealed record ModelMetrics(
    double Rmse, double Mae, double PrecisionAt10, double RecallAt10, double NdcgAt10,
    double BaselineRmse, double PopularityPrecisionAt10, double PopularityNdcgAt10,
    int HoldoutRatings, int RankingUsers);

/// <summary>Seconds per stage of a training.</summary>
public sealed record TrainingTimings(double ReadSeconds, double TrainSeconds, double RankingSeconds, double EvaluateSeconds, double RefitSeconds);

/// <summary>
/// One training as the lifecycle prescribes it, on the engine: hold out the newest ratings, early-stop the
/// rating head on them, train the ranking head, measure both heads and their baselines (biases-only for
/// ratings, popularity for lists) on the holdout, then refit both on everything (the rating head for the
/// best epoch count). The host only orchestrates; every number comes from the engine.
/// </summary>
public static class TrainingRun
{
    public static TrainingOutcome Execute(
        RatingSnapshot snapshot, TrainingOptions options, RankingOptions? ranking, double holdoutFraction,
        Action<EpochProgress> onEpoch, Action<RankingProgress> onRankingIteration, CancellationToken cancellationToken)
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
        var held = ranking is null ? fitted.Model : fitted.Model.WithRanking(new RankingTrainer(ranking).Train(split.Train, onRankingIteration, cancellationToken));
        var rankingSeconds = watch.Elapsed.TotalSeconds;

        // Lists are judged as users meet them: every held-out item counts as a hit (no rating threshold).
        watch.Restart();
        var evaluation = new EvaluationOptions { K = 10, MaxRankingUsers = 5_000, Seed = (uint)options.Seed, RelevanceThreshold = null };
        var popularity = PopularityPredictor.Fit(split.Train, options.Scale);
        IRatingPredictor personal = held.Ranking is null ? new FactorModelPredictor(held) : new RankingHeadPredictor(held);
        // Users with no rating before the holdout get popularity from the service too, so they do here.
        var model = Evaluation.Evaluate(new ColdStartFallbackPredictor(personal, popularity, split.Train), split.Train, split.Test, evaluation);
        var popular = Evaluation.Ranking(popularity, split.Train, split.Test, evaluation);
        var baseline = BiasBaseline.Fit(split.Train, options.Scale);
        var baselineRmse = ErrorMetrics.Rmse(ErrorMetrics.Predictions(baseline, split.Test), split.Test.Value);
        var evaluateSeconds = watch.Elapsed.TotalSeconds;

        // The refit sees the newest ratings too, so recent raters are in the served model.
        watch.Restart();
        var epochs = options.Epochs ?? Math.Max(1, fitted.BestEpoch);
        var refit = new SgdTrainer(options with { Epochs = epochs }).Train(all, null, onEpoch, cancellationToken).Model;
        if (ranking is not null) refit = refit.WithRanking(new RankingTrainer(ranking).Train(all, onRankingIteration, cancellationToken));
        var refitSeconds = watch.Elapsed.TotalSeconds;

        return new TrainingOutcome(
            refit,
            options with { Epochs = epochs },
            ranking,
            fitted.BestEpoch,
            all.Count,
            new ModelMetrics(model.Rmse, model.Mae, model.Ranking.Precision, model.Ranking.Recall, model.Ranking.Ndcg,
                baselineRmse, popular.Precision, popular.Ndcg, split.Test.Count, model.Ranking.Users),
            new TrainingTimings(snapshot.ReadSeconds, trainSeconds, rankingSeconds, evaluateSeconds, refitSeconds));
    }
}
