using System.Diagnostics;

namespace RecommenderService.Engine;

/// <summary>
/// The service's training recipe, in one place so the service and <c>recsys evaluate --temporal</c> measure the
/// same thing: hold out the newest ratings, early-stop the rating head on them, train the ranking head on the
/// same earlier ratings (its penalty chosen on their own newest part, <see cref="RankingSearch"/>), judge both heads against their baselines on the holdout (<see cref="HoldoutReport"/>),
/// then refit both heads on every rating (the rating head for the best epoch count), so the newest raters are
/// in the served model; last, given item attributes, fit the served model's <see cref="FactorModel.AttributeMap"/> on
/// its items, so items added later with attributes are served before the next training (<see cref="ColdItems"/>), and
/// given user profiles its <see cref="FactorModel.UserAttributeMap"/> on its users (<see cref="ColdUsers"/>), at the λ
/// <see cref="UserMapPenalty"/> chooses on the held rating head.
/// </summary>
public static class TemporalTraining
{
    /// <summary>Lists are judged on at most this many holdout users (a seeded sample), to bound evaluation time.</summary>
    public const int MaxListUsers = 5_000;

    /// <summary>
    /// Runs the recipe. <paramref name="ranking"/> null trains the rating head only. <paramref name="itemAttributes"/>
    /// (attribute tokens by external item id) null or without any rated item fits no attribute map.
    /// <paramref name="judging"/> says how the service makes the popular list it would serve instead and what counts as
    /// liked and disliked (default: C = 10, all time; 4 and 2 on 1–5, scaled). <paramref name="userAttributes"/> (profile
    /// tokens by external user id, <see cref="UserAttributeTokens"/>) null or without any rated user fits no user map.
    /// </summary>
    public static TemporalTrainingResult Run(
        RatingSet all, TrainingOptions options, RankingOptions? ranking, double holdoutFraction,
        Action<EpochProgress>? onEpoch = null, Action<RankingProgress>? onRankingIteration = null,
        CancellationToken cancellationToken = default, IReadOnlyDictionary<string, string[]>? itemAttributes = null,
        ListJudging? judging = null, IReadOnlyDictionary<string, string[]>? userAttributes = null)
    {
        ArgumentNullException.ThrowIfNull(all);
        ArgumentNullException.ThrowIfNull(options);
        if (all.Count < 2 || all.UserCount < 1 || all.ItemCount < 1)
            throw new InvalidOperationException($"Too little data to train: {all.Count} ratings.");

        var split = TemporalSplit.Split(all, holdoutFraction, out var testRows);
        var watch = Stopwatch.StartNew();
        var fitted = new SgdTrainer(options).Train(split.Train, split.Test, onEpoch, cancellationToken);
        var ratingSeconds = watch.Elapsed.TotalSeconds;

        watch.Restart();
        // The penalty is chosen on the newest ratings before the cut (never on the holdout that judges the model).
        var search = ranking?.PenaltySearch is null ? null : RankingSearch.Choose(split.Train, ranking, temporal: true, cancellationToken);
        ranking = search?.Options ?? ranking;
        // Each later head continues from the one before it (the chosen candidate, then the holdout phase's head) on a
        // superset of its ratings instead of starting from noise.
        // Judged, never served: the exact last user half, which only makes served rows explainable, is left to the refit
        // (it moves the judged lists by under 0.001 P@10: docs/decisions/0009-exact-trained-user-rows.md).
        var heldHead = ranking is null ? null
            : new RankingTrainer(ranking with { ExactUserRows = false }).Train(split.Train, onRankingIteration, cancellationToken, search?.Head);
        // Used up as the warm start: the result keeps what the search chose, not the candidate's vectors (~40 MB at 8.5M).
        if (search is not null) search = search with { Head = null };
        var held = heldHead is null ? fitted.Model : fitted.Model.WithRanking(heldHead);
        var rankingSeconds = watch.Elapsed.TotalSeconds;

        watch.Restart();
        var report = Judge(held, split, options.Scale, (uint)options.Seed, judging);
        var evaluateSeconds = watch.Elapsed.TotalSeconds;

        watch.Restart();
        // What the refit runs: the best epoch count from scratch, or its share on top of the best state (warm refit).
        var epochs = options.Epochs ?? options.RefitEpochs(Math.Max(1, fitted.BestEpoch));
        var refit = options.Epochs is null
            ? TrainingPolicy.Refit(all, options, fitted, onEpoch, cancellationToken).Model
            : new SgdTrainer(options).Train(all, null, onEpoch, cancellationToken).Model;
        if (ranking is not null) refit = refit.WithRanking(new RankingTrainer(ranking).Train(all, onRankingIteration, cancellationToken, heldHead));
        // Fitted last, on the served vectors: it must map attributes to the vectors the served items have.
        if (itemAttributes is not null) refit = refit.WithAttributeMap(AttributeFactors.FitOnRatings(refit, all, itemAttributes));
        // The user map's λ is chosen on the held rating head, whose users' ratings after the cut (newcomers' among them)
        // it never trained on: what a user with a profile and no ratings is (UserMapPenalty).
        UserMapPenaltyChoice? userMapChoice = null;
        if (userAttributes is not null)
        {
            userMapChoice = UserMapPenalty.Choose(fitted.Model, split,
                u => userAttributes.TryGetValue(split.Train.Users[u], out var tokens) && tokens.Length > 0 ? tokens : null, seed: (uint)options.Seed);
            refit = refit.WithUserAttributeMap(AttributeFactors.FitOnUsers(refit, all, userAttributes, userMapChoice.Regularization,
                AttributeFactors.DefaultUserRegularization));
        }
        var refitSeconds = watch.Elapsed.TotalSeconds;

        return new TemporalTrainingResult(refit, held, split, testRows, options with { Epochs = epochs }, fitted.BestEpoch, report,
            new StageTimings(ratingSeconds, rankingSeconds, evaluateSeconds, refitSeconds))
        {
            Ranking = ranking, RankingSearch = search, UserMapChoice = refit.UserAttributeMap is null ? null : userMapChoice,
        };
    }

    /// <summary>
    /// Scores a model trained on <c>split.Train</c> on <c>split.Test</c> (see <see cref="HoldoutReport"/>) and chooses the
    /// newcomer list on the holdout's newcomers (<see cref="NewcomerJudging"/>); the popularity lists and the liked and
    /// disliked thresholds are as <paramref name="judging"/> says, the lists made at the newest training rating.
    /// </summary>
    public static HoldoutReport Judge(FactorModel model, DataSplit split, RatingScale scale, uint seed, ListJudging? judging = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(split);
        var (train, test) = split;
        var rating = new FactorModelPredictor(model);
        var predicted = ErrorMetrics.Predictions(rating, test);
        var baseline = BiasBaseline.Fit(train, scale);
        var baselineRmse = ErrorMetrics.Rmse(ErrorMetrics.Predictions(baseline, test), test.Value);

        // Every held-out item counts as a hit (no rating threshold): lists are judged as users meet them.
        judging ??= new ListJudging();
        var options = new EvaluationOptions
        {
            K = 10, MaxRankingUsers = MaxListUsers, Seed = seed, RelevanceThreshold = null, Scale = scale,
            LikedThreshold = judging.LikedThreshold, DislikedThreshold = judging.DislikedThreshold,
        };
        var warm = WithHistory(train, test);
        var warmRmse = warm.Count == 0 ? double.NaN : ErrorMetrics.Rmse(ErrorMetrics.Predictions(rating, warm), warm.Value);
        var warmBaselineRmse = warm.Count == 0 ? double.NaN : ErrorMetrics.Rmse(ErrorMetrics.Predictions(baseline, warm), warm.Value);
        // Every popularity list is made from one pass over the training ratings, at the time of the newest of them.
        var popularity = judging.Popularity ?? new PopularitySettings();
        var now = train.HasTimes && train.Count > 0 ? train.Time.Max() : 0;
        var counts = PopularityCounts.Of(train, popularity, options.EffectiveLikedThreshold, now);
        var newcomers = NewcomerJudging.Judge(counts, train, test, popularity, options, scale);
        // Judged both ways (any held-out item for the gate; liked and disliked@10 recorded beside it).
        ListMetrics? rankingHead = null, rankingHeadOnly = null, ratingHead = null, mostRated = null, servedPopularity = null;
        var listUsers = 0;
        if (warm.Count > 0)
        {
            mostRated = Evaluation.Lists(PopularityPredictor.For(PopularityList.MostRated, counts, popularity.PriorCount, scale), train, warm, options);
            // What users with history get when popularity serves: the newcomer list, so that is what the gate judges.
            servedPopularity = Evaluation.Lists(PopularityPredictor.For(newcomers.Served, counts, popularity.PriorCount, scale), train, warm, options);
            ratingHead = Evaluation.Lists(rating, train, warm, options);
            if (model.Ranking is not null)
            {
                rankingHead = Evaluation.Lists(new RankingHeadPredictor(model), train, warm, options);
                rankingHeadOnly = Evaluation.Lists(new RankingHeadPredictor(model, "ranking-only", ListScore.RankingOnly), train, warm, options);
            }
            listUsers = mostRated.Value.Rated.Users;
        }
        var source = HoldoutReport.ChooseListSource(rankingHead?.Rated, ratingHead?.Rated, mostRated?.Rated, model.Ranking is not null,
            rankingHeadOnly: rankingHeadOnly?.Rated, servedPopularity: servedPopularity?.Rated);
        return new HoldoutReport(ErrorMetrics.Rmse(predicted, test.Value), ErrorMetrics.Mae(predicted, test.Value), baselineRmse,
            test.Count, warm.Count, warmRmse, warmBaselineRmse, listUsers, rankingHead?.Rated, ratingHead?.Rated, mostRated?.Rated, source)
        {
            RankingHeadLists = rankingHead, RankingHeadOnlyLists = rankingHeadOnly, RatingHeadLists = ratingHead, MostRatedLists = mostRated,
            ServedPopularityLists = servedPopularity, NewcomerLists = newcomers,
        };
    }

    /// <summary>The test ratings of users who have at least one training rating.</summary>
    internal static RatingSet WithHistory(RatingSet train, RatingSet test)
    {
        var known = new bool[Math.Max(train.UserCount, test.UserCount)];
        foreach (var user in train.User) known[user] = true;
        var rows = new List<int>(test.Count);
        for (var r = 0; r < test.Count; r++)
            if (known[test.User[r]]) rows.Add(r);
        return rows.Count == test.Count ? test : test.Subset(rows.ToArray());
    }
}
