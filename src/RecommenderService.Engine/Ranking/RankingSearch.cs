namespace RecommenderService.Engine;

/// <summary>
/// Chooses the ranking head's penalty λ on a validation split of the training ratings themselves (never on the
/// holdout that later judges the model): the head is trained on the split's training part for λ multiplied by
/// powers of two and its lists are judged on the split's users, and the multiplier with the best NDCG@10 is
/// applied to the full training set's λ.
/// </summary>
/// <remarks>
/// <para>Why λ: it decides how far the head personalises. A small λ lets each user's vector follow their own
/// ratings; a large one shrinks every vector towards the leading direction of the data, which is item popularity.
/// The best value depends on the data, not only on its size: when users choose items by taste a personal head
/// wins, when they choose by popularity nothing beats popularity and the head must lean towards it. No fixed rule
/// (the penalty scaled with ratings per item included) fits both, so the data decides (see
/// <see cref="RankingSearchOptions"/> for the figures).</para>
/// <para>The search walks a ladder: λ·1 first, then λ·2, λ·4, … while NDCG@10 improves, and if doubling did
/// not help, λ/2, λ/4, … while it improves. Typically three or four trainings of the head on ~90 % of the data, or of a sample of its users beyond
/// <see cref="RankingSearchOptions.MaxRatings"/>.
/// The lists are the ranking head's alone (<see cref="ListScore.RankingOnly"/>): the rating head was trained on the
/// validation ratings too, so weighting by it would leak them. Deterministic for a seed and data.</para>
/// </remarks>
public static class RankingSearch
{
    /// <summary>
    /// The search on <paramref name="validation"/> (a split of the training ratings): returns
    /// <paramref name="options"/> with its penalty multiplied by the best multiplier, and every step taken.
    /// When the split has no user with both training and validation ratings, nothing can be judged and the
    /// options come back unchanged.
    /// </summary>
    public static RankingSearchResult Choose(DataSplit validation, RankingOptions options, RankingSearchOptions? search = null,
        CancellationToken cancellationToken = default) => Choose(validation, options, search, userPenaltyScale: 1, cancellationToken);

    /// <summary>
    /// The search, with the candidates' user rows penalised <paramref name="userPenaltyScale"/> times their item rows
    /// (see <see cref="RankingTrainer.UserPenaltyScale"/>).
    /// </summary>
    private static RankingSearchResult Choose(DataSplit validation, RankingOptions options, RankingSearchOptions? search,
        double userPenaltyScale, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(options);
        search ??= options.PenaltySearch ?? new RankingSearchOptions();
        search.Validate();
        var (train, test) = validation;
        var warm = TemporalTraining.WithHistory(train, test);
        var steps = new List<RankingSearchStep>();
        if (train.Count == 0 || warm.Count == 0) return new RankingSearchResult(options, 1f, steps, null);

        var evaluation = new EvaluationOptions
        {
            K = 10, MaxRankingUsers = search.MaxUsers, Seed = (uint)options.Seed, RelevanceThreshold = null, UsersWithTrainingOnly = true,
        };
        var popularity = Evaluation.Ranking(PopularityPredictor.Fit(train, RatingScale.OneToFive), train, warm, evaluation).Ndcg;
        var meanOnly = new FactorModel(train.Users, train.Items, 0, 0f, new float[train.UserCount], new float[train.ItemCount], [], [], RatingScale.OneToFive);

        (double Ndcg, RankingHead Head) Judge(float multiplier)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var candidate = Scaled(options, multiplier);
            // Candidates are only compared: the exact last user half, which is for explaining served rows, is skipped.
            var head = new RankingTrainer(candidate with { ExactUserRows = false }) { UserPenaltyScale = userPenaltyScale }
                .Train(train, cancellationToken: cancellationToken);
            var ndcg = Evaluation.Ranking(new RankingHeadPredictor(meanOnly.WithRanking(head), "search", ListScore.RankingOnly), train, warm, evaluation).Ndcg;
            steps.Add(new RankingSearchStep(multiplier, head.Regularization, ndcg));
            return (ndcg, head);
        }

        var best = 1f;
        var (bestNdcg, bestHead) = Judge(1f);
        foreach (var factor in new[] { search.Factor, 1f / search.Factor })
        {
            var moved = false;
            for (var step = 1; step <= search.MaxSteps; step++)
            {
                var multiplier = best * factor;
                var (ndcg, head) = Judge(multiplier);
                if (!(ndcg > bestNdcg)) break;
                (best, bestNdcg, bestHead, moved) = (multiplier, ndcg, head, true);
            }
            // Raising λ helped, so lowering it from the raised value cannot; only try down when up failed at once.
            if (moved) break;
        }
        return new RankingSearchResult(Scaled(options, best), best, steps, popularity, bestHead);
    }

    /// <summary>
    /// The search on a split of <paramref name="train"/> like the protocol that will judge the model:
    /// <paramref name="temporal"/> holds out the newest ratings (the service's retrain), otherwise a random share of
    /// each user's ratings (seeded by the options' seed). Beyond <see cref="RankingSearchOptions.MaxRatings"/> ratings,
    /// of a seeded sample of users holding that many (<see cref="SearchSample"/>); the candidates' user rows then keep
    /// the penalty they would have on all of <paramref name="train"/>, their item rows the one of the sample.
    /// </summary>
    public static RankingSearchResult Choose(RatingSet train, RankingOptions options, bool temporal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        var search = options.PenaltySearch ?? new RankingSearchOptions();
        search.Validate();
        if (train.Count < 2) return new RankingSearchResult(options, 1f, [], null);
        var sample = SearchSample.Of(train, search.MaxRatings, options.Seed);
        var split = temporal
            ? TemporalSplit.Split(sample, search.ValidationFraction)
            : PerUserSplit.Split(sample, search.ValidationFraction, (uint)options.Seed);
        // λ per item rating on the sample is the sample's share of the full λ; each sampled user keeps all their ratings.
        return Choose(split, options, search, userPenaltyScale: train.Count / (double)sample.Count, cancellationToken);
    }

    /// <summary><paramref name="options"/> with its penalty (fixed or per item rating) multiplied by <paramref name="multiplier"/>.</summary>
    public static RankingOptions Scaled(RankingOptions options, float multiplier)
    {
        ArgumentNullException.ThrowIfNull(options);
        return multiplier == 1f ? options : options with
        {
            Regularization = options.Regularization * multiplier,
            RegularizationPerItemRating = options.RegularizationPerItemRating * multiplier,
        };
    }
}
