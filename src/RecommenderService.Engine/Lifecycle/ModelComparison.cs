namespace RecommenderService.Engine;

/// <summary>Scores two predictors on the same ratings, so a quality gate compares like with like.</summary>
public static class ModelComparison
{
    /// <summary>
    /// RMSE and MAE of <paramref name="candidate"/> and <paramref name="other"/> on the ratings of
    /// <paramref name="test"/> at <paramref name="rows"/> (all of them when null).
    /// </summary>
    public static ModelComparisonResult Compare(IRatingPredictor candidate, IRatingPredictor other, RatingSet test, ReadOnlySpan<int> rows)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(other);
        var subset = rows.Length == test.Count ? test : test.Subset(rows);
        if (subset.Count == 0) return new ModelComparisonResult(0, double.NaN, double.NaN, double.NaN, double.NaN);
        var a = ErrorMetrics.Predictions(candidate, subset);
        var b = ErrorMetrics.Predictions(other, subset);
        return new ModelComparisonResult(subset.Count,
            ErrorMetrics.Rmse(a, subset.Value), ErrorMetrics.Rmse(b, subset.Value),
            ErrorMetrics.Mae(a, subset.Value), ErrorMetrics.Mae(b, subset.Value));
    }
}
