using RecommenderService.Api.Observability;
using RecommenderService.Api.Lifecycle;

namespace RecommenderService.Api.Tests.Observability;

/// <summary>Every reason the quality gate gives maps to its own bounded label value (and none falls through to "other").</summary>
public sealed class RetrainOutcomeTests
{
    private static ModelMetrics Metrics(double rmse = 0.90, double baseline = 0.95, double ndcg = 0.40, double popularityNdcg = 0.25) =>
        new(rmse, 0.7, 0.3, 0.2, ndcg, baseline, 0.2, popularityNdcg, 1000, 100);

    [Theory]
    [InlineData(double.NaN, 0.95, 0.40, null, RetrainOutcome.Diverged)]
    [InlineData(0.95, 0.95, 0.40, null, RetrainOutcome.RatingBaseline)]
    [InlineData(0.90, 0.95, 0.25, null, RetrainOutcome.PopularityBaseline)]
    [InlineData(0.93, 0.95, 0.40, 0.90, RetrainOutcome.WorseThanActive)]
    public void Each_gate_reason_has_its_class(double rmse, double baseline, double ndcg, double? active, string expected)
    {
        var reason = QualityGate.Check(Metrics(rmse, baseline, ndcg), active, 0.02);

        Assert.NotNull(reason);
        Assert.Equal(expected, RetrainOutcome.ReasonClass(reason));
    }

    [Fact]
    public void An_unknown_reason_is_other() => Assert.Equal(RetrainOutcome.Other, RetrainOutcome.ReasonClass("the moon is full"));
}
