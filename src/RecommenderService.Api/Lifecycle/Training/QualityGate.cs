using RecommenderService.Api.Serving;
using RecommenderService.Api.Infrastructure;

namespace RecommenderService.Api.Lifecycle;

/// <summary>
/// Decides whether a freshly trained model may replace the active one: its predictions must beat the
/// biases-only baseline and its lists the popularity list on the same holdout, and it may be no more than a
/// margin worse than the active model's record.
/// </summary>
public static class QualityGate
{
    /// <summary>Null when the model passes, otherwise the reason it is rejected.</summary>
    public static string? Check(ModelMetrics candidate, double? activeRmse, double margin)
    {
        if (!double.IsFinite(candidate.Rmse))
            return "holdout RMSE is not a number (the training diverged)";
        if (candidate.Rmse >= candidate.BaselineRmse)
            return FormattableString.Invariant(
                $"holdout RMSE {candidate.Rmse:F4} does not beat the biases-only baseline {candidate.BaselineRmse:F4}");
        if (candidate.RankingUsers > 0 && !(candidate.NdcgAt10 > candidate.PopularityNdcgAt10))
            return FormattableString.Invariant(
                $"its lists' holdout NDCG@10 {candidate.NdcgAt10:F4} does not beat the popularity list's {candidate.PopularityNdcgAt10:F4}");
        if (activeRmse is { } active && candidate.Rmse > active + margin)
            return FormattableString.Invariant(
                $"holdout RMSE {candidate.Rmse:F4} is more than {margin:F4} worse than the active model's {active:F4}");
        return null;
    }
}
