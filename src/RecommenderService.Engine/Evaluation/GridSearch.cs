using System.Diagnostics;

namespace RecommenderService.Engine;

/// <summary>
/// Exhaustive search over factors × regularization × learning rate × epochs, each point scored by the mean
/// RMSE over k cross-validation folds (<see cref="KFoldSplit"/>), best first.
/// </summary>
/// <remarks>
/// Every point sees the same folds. A point with epochs null trains by <see cref="TrainingPolicy"/>'s default
/// (early stopping on a holdout of the fold's training part, then a refit), so the fold's test part never
/// steers training. The population standard deviation over folds is reported beside the mean.
/// </remarks>
public static class GridSearch
{
    public static IReadOnlyList<GridSearchResult> Run(
        RatingSet ratings, int folds, TrainingOptions baseOptions,
        IReadOnlyList<int> factors, IReadOnlyList<float> regularization,
        IReadOnlyList<float> learningRates, IReadOnlyList<int?> epochs,
        uint seed = 42, Action<GridSearchResult>? onPoint = null, CancellationToken cancellationToken = default)
    {
        var splits = KFoldSplit.Split(ratings, folds, seed);
        var results = new List<GridSearchResult>();
        foreach (var k in factors)
            foreach (var lambda in regularization)
                foreach (var eta in learningRates)
                    foreach (var e in epochs)
                    {
                        var options = baseOptions with { Factors = k, Regularization = lambda, LearningRate = eta, Epochs = e };
                        options.Validate();
                        var clock = Stopwatch.StartNew();
                        var foldRmse = new double[splits.Length];
                        for (var f = 0; f < splits.Length; f++)
                        {
                            var model = TrainingPolicy.Fit(splits[f].Train, options, null, cancellationToken).Model;
                            var predictor = new FactorModelPredictor(model);
                            foldRmse[f] = ErrorMetrics.Rmse(ErrorMetrics.Predictions(predictor, splits[f].Test), splits[f].Test.Value);
                        }
                        var (mean, std) = MeanAndStd(foldRmse);
                        var result = new GridSearchResult(options, mean, std, foldRmse, clock.Elapsed.TotalSeconds);
                        results.Add(result);
                        onPoint?.Invoke(result);
                    }
        return results.OrderBy(r => r.MeanRmse).ToList();
    }

    /// <summary>Mean and population standard deviation.</summary>
    public static (double Mean, double Std) MeanAndStd(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return (0, 0);
        var mean = values.Average();
        var variance = values.Sum(v => (v - mean) * (v - mean)) / values.Count;
        return (mean, Math.Sqrt(variance));
    }
}
