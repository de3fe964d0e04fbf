namespace RecommenderService.Engine;

/// <summary>
/// Chooses the popular list newcomers are served (users with no ratings and no profile) by how it serves them, not by
/// assumption: every <see cref="PopularityList"/> made from the training ratings, its top K judged against all the
/// held-out ratings of the held-out users whose first rating is held out. Of the lists whose P@K is within
/// <see cref="PrecisionTolerance"/> of the best P@K, the highest liked P@K wins, then the higher P@K.
/// </summary>
/// <remarks>
/// Why the tolerance: the list that finds the most liked items is not the one that finds the most rated ones, and a
/// newcomer is served both ways at once; judged by liked P@10 alone, MovieLens-100k (20 % of users held out) chose the
/// liked count, 0.370 against the most-rated list's 0.324, at P@10 0.483 against 0.503 (4 % fewer items the newcomers
/// went on to rate). Within the tolerance, a list must keep nearly every hit of the best list to win by liked ones.
/// Which list serves newcomers best depends on the data: on MovieLens-1M with 20 % of users held out, the damped mean
/// scored P@10 0.263 and the most-rated list 0.470. Without newcomers in the holdout (a random split of a set with one
/// time) the lists are judged on held-out users with history instead, as popularity would be served to them.
/// </remarks>
public static class NewcomerJudging
{
    /// <summary>A list whose P@K is below (1 − this) × the best P@K cannot win, whatever its liked P@K.</summary>
    public const double PrecisionTolerance = 0.02;

    /// <summary>
    /// Judges every list of <paramref name="counts"/> (made from <paramref name="train"/>) on the users of
    /// <paramref name="test"/> (sharing its id maps) without a training rating; <paramref name="options"/> give K, the
    /// liked and disliked thresholds and the user sample (<see cref="EvaluationOptions.MaxRankingUsers"/>, seeded).
    /// </summary>
    public static NewcomerListReport Judge(PopularityCounts counts, RatingSet train, RatingSet test, PopularitySettings settings,
        EvaluationOptions options, RatingScale scale)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(options);
        var newcomers = Newcomers(train, test);
        var judgedOn = newcomers.Count > 0 ? JudgedUsers.Newcomers : JudgedUsers.UsersWithHistory;
        var users = newcomers.Count > 0 ? newcomers : test;
        options = options with { RelevanceThreshold = null, UsersWithTrainingOnly = judgedOn == JudgedUsers.UsersWithHistory };

        var candidates = new PopularityListScores[PopularityLists.All.Count];
        for (var c = 0; c < candidates.Length; c++)
        {
            var list = PopularityLists.All[c];
            candidates[c] = new PopularityListScores(list,
                Evaluation.Lists(PopularityPredictor.For(list, counts, settings.PriorCount, scale), train, users, options));
        }
        var judged = candidates[0].Scores.Rated.Users;
        if (judged == 0) judgedOn = JudgedUsers.None;
        var winner = judged == 0 ? PopularityList.MostRated : Best(candidates);
        return new NewcomerListReport(winner, settings.NewcomerList ?? winner, settings.NewcomerList is not null, judgedOn, judged, candidates);
    }

    /// <summary>
    /// Of the candidates with P@K ≥ (1 − <see cref="PrecisionTolerance"/>) × the best P@K, the highest liked P@K, then the
    /// higher P@K; a tie goes to the earlier candidate.
    /// </summary>
    public static PopularityList Best(IReadOnlyList<PopularityListScores> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        if (candidates.Count == 0) throw new ArgumentException("No candidates to choose from.", nameof(candidates));
        var top = double.NegativeInfinity;
        foreach (var candidate in candidates) top = Math.Max(top, candidate.Scores.Rated.Precision);
        var floor = (1 - PrecisionTolerance) * top;
        PopularityListScores? best = null;
        foreach (var candidate in candidates)
        {
            var (liked, rated) = (candidate.Scores.Liked.Precision, candidate.Scores.Rated.Precision);
            if (rated < floor) continue;
            if (best is not { } b || liked > b.Scores.Liked.Precision || (liked == b.Scores.Liked.Precision && rated > b.Scores.Rated.Precision))
                best = candidate;
        }
        return best!.Value.List;
    }

    /// <summary>The ratings of <paramref name="test"/> by users with no rating in <paramref name="train"/>.</summary>
    public static RatingSet Newcomers(RatingSet train, RatingSet test)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        var known = new bool[Math.Max(train.UserCount, test.UserCount)];
        foreach (var user in train.User) known[user] = true;
        var rows = new List<int>();
        for (var r = 0; r < test.Count; r++)
            if (!known[test.User[r]]) rows.Add(r);
        return rows.Count == test.Count ? test : test.Subset(rows.ToArray());
    }
}
