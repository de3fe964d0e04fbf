namespace RecommenderService.Engine;

/// <summary>Rating-prediction error over a test set: RMSE and MAE of predicted against actual ratings.</summary>
public static class ErrorMetrics
{
    /// <summary>√(Σ(p - a)² / n); 0 for no pairs.</summary>
    public static double Rmse(ReadOnlySpan<float> predicted, ReadOnlySpan<float> actual)
    {
        Check(predicted, actual);
        if (actual.IsEmpty) return 0;
        double sum = 0;
        for (var k = 0; k < actual.Length; k++)
        {
            var e = (double)predicted[k] - actual[k];
            sum += e * e;
        }
        return Math.Sqrt(sum / actual.Length);
    }

    /// <summary>Σ|p - a| / n; 0 for no pairs.</summary>
    public static double Mae(ReadOnlySpan<float> predicted, ReadOnlySpan<float> actual)
    {
        Check(predicted, actual);
        if (actual.IsEmpty) return 0;
        double sum = 0;
        for (var k = 0; k < actual.Length; k++) sum += Math.Abs((double)predicted[k] - actual[k]);
        return sum / actual.Length;
    }

    /// <summary>The predictor's (clamped) prediction for every test rating, in test order.</summary>
    public static float[] Predictions(IRatingPredictor predictor, RatingSet test)
    {
        var predicted = new float[test.Count];
        for (var r = 0; r < test.Count; r++) predicted[r] = predictor.Predict(test.User[r], test.Item[r]);
        return predicted;
    }

    private static void Check(ReadOnlySpan<float> predicted, ReadOnlySpan<float> actual)
    {
        if (predicted.Length != actual.Length) throw new ArgumentException("Predicted and actual must have the same length.");
    }
}
