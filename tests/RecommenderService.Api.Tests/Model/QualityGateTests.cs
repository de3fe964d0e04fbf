using RecommenderService.Api.Model.Training;
using RecommenderService.Api.Model.Versions;
using RecommenderService.Engine;

namespace RecommenderService.Api.Tests.Model;

public sealed class QualityGateTests
{
    private static RankingScores Lists(double ndcg, int users = 100) => new(10, ndcg / 2, ndcg / 2, ndcg, users);

    private static HoldoutReport Report(double rmse = 0.90, double baseline = 0.95, double? ranking = 0.40, double rating = 0.30, double popularity = 0.25, int listUsers = 100, double? warmRmse = null, int warmRatings = 800,
        double? rankingOnly = null, double? served = null)
    {
        RankingScores? o = rankingOnly is { } y && listUsers > 0 ? Lists(y, listUsers) : null;
        RankingScores? r = ranking is { } x && listUsers > 0 ? Lists(x, listUsers) : null;
        RankingScores? a = listUsers > 0 ? Lists(rating, listUsers) : null;
        RankingScores? p = listUsers > 0 ? Lists(popularity, listUsers) : null;
        RankingScores? s = served is { } z && listUsers > 0 ? Lists(z, listUsers) : null;
        return new HoldoutReport(rmse, 0.7, baseline, 1000, warmRatings, warmRatings > 0 ? warmRmse ?? rmse - 0.05 : double.NaN,
            warmRatings > 0 ? baseline - 0.02 : double.NaN, listUsers, r, a, p,
            HoldoutReport.ChooseListSource(r, a, p, ranking is not null, rankingHeadOnly: o, servedPopularity: s));
    }

    private static ActiveModelComparison Active(double candidate, double active, int ratings = 500) =>
        new(3, ratings, candidate, active, ratings >= QualityGate.MinComparisonRatings);

    [Fact]
    public void A_model_that_beats_the_baseline_and_stays_near_the_active_one_on_the_same_ratings_passes()
    {
        var decision = QualityGate.Decide(Report(), Active(0.91, 0.90), margin: 0.02);
        Assert.True(decision.Accepted);
        Assert.Equal(ListSource.RankingHead, decision.ListSource);
    }

    [Fact]
    public void A_model_no_better_than_the_biases_baseline_on_users_with_history_is_rejected() =>
        Assert.Contains("biases-only baseline", QualityGate.Decide(Report(rmse: 0.95, baseline: 0.95, warmRmse: 0.93), null, 0.02).Rejection);

    [Fact]
    public void When_no_holdout_user_has_history_the_rating_head_need_only_stay_near_the_baseline()
    {
        Assert.True(QualityGate.Decide(Report(rmse: 0.955, baseline: 0.95, listUsers: 0, warmRatings: 0), null, 0.02).Accepted);
        Assert.Contains("worse than the biases-only baseline", QualityGate.Decide(Report(rmse: 0.99, baseline: 0.95, listUsers: 0, warmRatings: 0), null, 0.02).Rejection);
    }

    [Fact]
    public void Ratings_the_biases_explain_completely_need_only_be_matched_not_beaten()
    {
        // Likes only: every rating the same, the baseline exact; a model within the margin serves (for its lists).
        Assert.True(QualityGate.Decide(Report(rmse: 0.001, baseline: 0.02, warmRmse: 0.0007, warmRatings: 360) with { WarmBaselineRmse = 0 }, null, 0.02).Accepted);
        Assert.Contains("more than 0.0200 worse",
            QualityGate.Decide(Report(rmse: 0.05, baseline: 0.02, warmRmse: 0.05, warmRatings: 360) with { WarmBaselineRmse = 0 }, null, 0.02).Rejection);
        // With a margin of 0, the baseline is still exact and a hundredth of a star of noise is still a match.
        Assert.True(QualityGate.Decide(Report(rmse: 0.001, baseline: 0.02, warmRmse: 0.0007, warmRatings: 360) with { WarmBaselineRmse = 0 }, null, 0).Accepted);
        // Where the baseline leaves error to explain, equal is still not enough.
        Assert.Contains("does not beat", QualityGate.Decide(Report(warmRmse: 0.93) with { WarmBaselineRmse = 0.93 }, null, 0.02).Rejection);
    }

    [Fact]
    public void A_model_much_worse_than_the_active_one_on_ratings_neither_saw_is_rejected() =>
        Assert.Contains("never saw", QualityGate.Decide(Report(rmse: 0.93), Active(0.95, 0.90), 0.02).Rejection);

    [Fact]
    public void A_model_that_loses_to_the_baseline_on_users_with_history_is_rejected() =>
        Assert.Contains("users with history", QualityGate.Decide(Report(rmse: 0.90, baseline: 0.95, warmRmse: 0.94), null, 0.02).Rejection);

    [Fact]
    public void Too_few_ratings_new_to_the_active_model_do_not_decide()
    {
        var decision = QualityGate.Decide(Report(), Active(1.5, 0.5, ratings: QualityGate.MinComparisonRatings - 1), 0.02);
        Assert.True(decision.Accepted);
    }

    [Fact]
    public void A_diverged_training_is_rejected() =>
        Assert.Contains("diverged", QualityGate.Decide(Report(rmse: double.NaN, warmRmse: double.NaN), null, 0.02).Rejection);

    [Fact]
    public void Lists_that_lose_to_popularity_do_not_reject_the_model_they_come_from_popularity()
    {
        var decision = QualityGate.Decide(Report(ranking: 0.20, rating: 0.22, popularity: 0.25), null, 0.02);
        Assert.True(decision.Accepted);
        Assert.Equal(ListSource.Popularity, decision.ListSource);
    }

    [Fact]
    public void The_rating_head_serves_lists_when_it_beats_both_the_ranking_head_and_popularity() =>
        Assert.Equal(ListSource.RatingHead, QualityGate.Decide(Report(ranking: 0.26, rating: 0.30, popularity: 0.25), null, 0.02).ListSource);

    [Fact]
    public void A_tie_with_popularity_is_not_a_win() =>
        Assert.Equal(ListSource.Popularity, QualityGate.Decide(Report(ranking: 0.25, rating: 0.25, popularity: 0.25), null, 0.02).ListSource);

    [Fact]
    public void With_no_holdout_user_who_has_history_the_list_rule_does_not_apply()
    {
        var decision = QualityGate.Decide(Report(listUsers: 0, warmRatings: 0), null, 0.02);
        Assert.True(decision.Accepted);
        Assert.Equal(ListSource.RankingHead, decision.ListSource);
    }

    [Fact]
    public void When_the_weighted_lists_lose_to_popularity_the_ranking_head_alone_serves_if_it_beats_popularity()
    {
        Assert.Equal(ListSource.RankingHeadOnly, QualityGate.Decide(Report(ranking: 0.29, rating: 0.01, popularity: 0.32, rankingOnly: 0.325), null, 0.02).ListSource);
        Assert.Equal(ListSource.Popularity, QualityGate.Decide(Report(ranking: 0.29, rating: 0.01, popularity: 0.32, rankingOnly: 0.32), null, 0.02).ListSource);
    }

    [Fact]
    public void The_gate_serves_the_best_list_users_could_get_not_the_most_rated_list_it_does_not_serve()
    {
        // The most-rated list (0.32) beats both ranking lists, but the service's popular list is the damped mean (0.05):
        // falling back to "popularity" would serve 0.05 to users the head alone gives 0.31.
        Assert.Equal(ListSource.RankingHeadOnly,
            QualityGate.Decide(Report(ranking: 0.29, rating: 0.01, popularity: 0.32, rankingOnly: 0.31, served: 0.05), null, 0.02).ListSource);
        // The weighted lists do not hold up against the most-rated list, but the head alone is lower still: the weighted
        // lists are the best that can be served (the old rule served the damped-mean list, 0.05).
        Assert.Equal(ListSource.RankingHead,
            QualityGate.Decide(Report(ranking: 0.29, rating: 0.01, popularity: 0.32, rankingOnly: 0.28, served: 0.05), null, 0.02).ListSource);
        // Where they do hold up, they serve.
        Assert.Equal(ListSource.RankingHead,
            QualityGate.Decide(Report(ranking: 0.33, rating: 0.01, popularity: 0.32, rankingOnly: 0.34, served: 0.05), null, 0.02).ListSource);
        // Popularity serves only when the list it would serve wins.
        Assert.Equal(ListSource.Popularity,
            QualityGate.Decide(Report(ranking: 0.04, rating: 0.03, popularity: 0.32, rankingOnly: 0.045, served: 0.05), null, 0.02).ListSource);
    }

    [Fact]
    public void Weighted_lists_that_beat_popularity_serve_even_where_the_ranking_head_alone_scores_higher() =>
        Assert.Equal(ListSource.RankingHead, QualityGate.Decide(Report(ranking: 0.33, popularity: 0.24, rankingOnly: 0.34), null, 0.02).ListSource);
}
