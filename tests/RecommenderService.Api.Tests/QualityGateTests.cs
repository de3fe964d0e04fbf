using RecommenderService.Api.Lifecycle;

namespace RecommenderService.Api.Tests;

public sealed class QualityGateTests
{
    private static ModelMetrics Metrics(double rmse = 0.90, double baseline = 0.95, double ndcg = 0.40, double popularityNdcg = 0.25) =>
        new(rmse, 0.7, 0.35, 0.2, ndcg, baseline, 0.2, popularityNdcg, HoldoutRatings: 1000, RankingUsers: 100);

    [Fact]
    public void A_model_that_beats_both_baselines_and_stays_near_the_active_one_passes() =>
        Assert.Null(QualityGate.Check(Metrics(), activeRmse: 0.89, margin: 0.02));

    [Fact]
    public void A_model_no_better_than_the_biases_baseline_is_rejected() =>
        Assert.Contains("biases-only baseline", QualityGate.Check(Metrics(rmse: 0.95, baseline: 0.95), null, 0.02));

    [Fact]
    public void Lists_that_do_not_beat_popularity_are_rejected() =>
        Assert.Contains("popularity", QualityGate.Check(Metrics(ndcg: 0.25, popularityNdcg: 0.25), null, 0.02));

    [Fact]
    public void A_model_much_worse_than_the_active_ones_record_is_rejected() =>
        Assert.Contains("worse than the active", QualityGate.Check(Metrics(rmse: 0.93), activeRmse: 0.90, margin: 0.02));

    [Fact]
    public void A_diverged_training_is_rejected() =>
        Assert.Contains("diverged", QualityGate.Check(Metrics(rmse: double.NaN), null, 0.02));
}
