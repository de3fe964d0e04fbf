using RecommenderService.Api.Model.Training;
using RecommenderService.Api.Model.Versions;
using RecommenderService.Engine;

namespace RecommenderService.Api.Tests.Observability;

/// <summary>Every reason the quality gate gives maps to its own bounded label value (none falls through to "other").</summary>
public sealed class RetrainOutcomeTests
{
    private static RankingScores Lists(double ndcg) => new(10, ndcg / 2, ndcg / 2, ndcg, 100);

    private static HoldoutReport Report(double rmse, double baseline = 0.95, double? warmRmse = null, int warmRatings = 800) =>
        new(rmse, 0.7, baseline, 1000, warmRatings, warmRmse ?? rmse - 0.05, baseline - 0.02, 100, Lists(0.4), Lists(0.3), Lists(0.25),
            HoldoutReport.ChooseListSource(Lists(0.4), Lists(0.3), Lists(0.25), true));

    public static TheoryData<HoldoutReport, ActiveModelComparison?, string> Rejections => new()
    {
        { Report(double.NaN), null, RetrainOutcome.Diverged },
        { Report(0.98, warmRatings: 10), null, RetrainOutcome.RatingBaseline },
        { Report(0.90, warmRmse: 0.94), null, RetrainOutcome.WarmRatingBaseline },
        // Likes only: the baseline is exact, the candidate more than the tolerance off it.
        { Report(0.05, warmRmse: 0.05) with { WarmBaselineRmse = 0 }, null, RetrainOutcome.WarmRatingBaseline },
        { Report(0.93), new ActiveModelComparison(3, 500, 0.95, 0.90, true), RetrainOutcome.WorseThanActive },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public void Each_gate_reason_has_its_class(HoldoutReport report, ActiveModelComparison? active, string expected)
    {
        var reason = QualityGate.Decide(report, active, 0.02).Rejection;

        Assert.NotNull(reason);
        Assert.Equal(expected, RetrainOutcome.ReasonClass(reason));
    }

    [Fact]
    public void An_unknown_reason_is_other() => Assert.Equal(RetrainOutcome.Other, RetrainOutcome.ReasonClass("the moon is full"));
}
