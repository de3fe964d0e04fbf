namespace RecommenderService.Engine.Tests;

public sealed class UserMapPenaltyTests
{
    private static readonly TrainingOptions Training = new() { Factors = 4, Epochs = 40, Threads = 1 };

    [Fact]
    public void Profiles_that_carry_no_signal_fall_back_to_the_mean_user_and_lose_nothing_to_mu_plus_b_i()
    {
        var (ratings, planted, _) = ProfileRatings.Build(users: 1500);
        ratings = RatedInRandomOrder(ratings);
        var random = new Random(11);
        // Tokens drawn at random (10 per user, ~50 users per token): together they name no one's taste.
        var noise = planted.Keys.ToDictionary(u => u, _ => Enumerable.Range(0, 10).Select(t => $"code{t}:{random.Next(30)}").ToArray(),
            StringComparer.Ordinal);

        var (chosen, chosenScores, chosenSpread) = Evaluate(ratings, noise, fixedLambda: null);
        var (_, fixedScores, fixedSpread) = Evaluate(ratings, noise, fixedLambda: AttributeFactors.DefaultUserRegularization);

        var baseline = chosenScores[("mu + b_i", 0)].Rmse;
        var report = $"λ {chosen.Regularization} ({string.Join(", ", chosen.Steps.Select(s => $"{s.Regularization}: {s.Rmse:F4} z {s.Excess:F1}"))}); "
            + $"profile RMSE chosen {chosenScores[("profile", 0)].Rmse:F4}, at λ 50 {fixedScores[("profile", 0)].Rmse:F4}, mu + b_i {baseline:F4}; "
            + $"spread of predictions around the mean user's chosen {chosenSpread:F4}, at λ 50 {fixedSpread:F4}";
        Assert.True(chosen.Regularization >= 1000, report);
        Assert.True(chosenScores[("profile", 0)].Rmse <= baseline + 0.005, report);
        // At a fixed λ the noise moves every prediction; chosen, the profile is the mean user's.
        Assert.True(chosenSpread < 0.01, report);
        Assert.True(fixedSpread > 0.02, report);
    }

    [Fact]
    public void Profiles_that_plant_the_taste_keep_a_small_penalty_and_beat_mu_plus_b_i_clearly()
    {
        var (ratings, planted, _) = ProfileRatings.Build();
        ratings = RatedInRandomOrder(ratings);

        var (chosen, scores, _) = Evaluate(ratings, planted, fixedLambda: null);

        var report = $"λ {chosen.Regularization} ({string.Join(", ", chosen.Steps.Select(s => $"{s.Regularization}: {s.Rmse:F4} z {s.Excess:F1}"))}); "
            + $"profile RMSE {scores[("profile", 0)].Rmse:F4}, mu + b_i {scores[("mu + b_i", 0)].Rmse:F4}";
        Assert.True(chosen.Regularization <= 200, report);
        Assert.True(scores[("profile", 0)].Rmse < scores[("mu + b_i", 0)].Rmse - 0.02, report);
        Assert.True(chosen.Rmse < chosen.MeanUserRmse, report);
    }

    [Fact]
    public void The_training_serves_the_user_map_at_the_penalty_its_validation_chose()
    {
        var (ratings, planted, _) = ProfileRatings.Build();
        ratings = RatedInRandomOrder(ratings);

        var result = TemporalTraining.Run(ratings, Training, null, 0.1, userAttributes: planted);

        var choice = result.UserMapChoice!;
        Assert.Equal(UserMapPenalty.Grid, choice.Steps.Select(s => s.Regularization));
        Assert.Equal(choice.Steps.Min(s => s.Rmse), choice.Rmse);
        Assert.Equal(choice.Regularization, result.Model.UserAttributeMap!.Regularization);
        Assert.True(choice.Rmse < choice.BaselineRmse, $"profile {choice.Rmse:F4}, mu + b_i {choice.BaselineRmse:F4}");
    }

    [Fact]
    public void Too_few_users_with_a_profile_after_the_cut_keep_the_default_penalty()
    {
        var (ratings, planted, _) = ProfileRatings.Build(users: 60, items: 60);
        var split = TemporalSplit.Split(ratings, 0.1);
        var held = new SgdTrainer(Training).Train(split.Train, split.Test).Model;

        var choice = UserMapPenalty.Choose(held, split, u => planted[ratings.Users[u]]);

        Assert.Empty(choice.Steps);
        Assert.Equal(AttributeFactors.DefaultUserRegularization, choice.Regularization);
    }

    /// <summary>The same ratings at random times, so the temporal cut holds out some of every user's ratings.</summary>
    private static RatingSet RatedInRandomOrder(RatingSet ratings)
    {
        var random = new Random(17);
        var builder = new RatingSetBuilder();
        for (var r = 0; r < ratings.Count; r++)
            builder.Add(ratings.Users[ratings.User[r]], ratings.Items[ratings.Item[r]], ratings.Value[r], time: random.Next(1_000_000));
        return builder.Build();
    }

    /// <summary>
    /// The cold-user protocol on a fifth of the users, the user map at the λ chosen as training chooses it, or at a fixed
    /// one; and the spread (RMS over the held-out users) of their profile's predictions around the mean user's.
    /// </summary>
    private static (UserMapPenaltyChoice Choice, Dictionary<(string, int), ColdUserRow> Rows, double Spread) Evaluate(RatingSet ratings,
        Dictionary<string, string[]> profiles, float? fixedLambda)
    {
        var ((train, test), cold) = ColdUserEvaluation.SplitUsers(ratings, 0.2, seed: 3);
        var model = ProfileRatings.Train(train);
        var choice = UserMapPenalty.ChooseFor(train, Training, 0.1, u => profiles[train.Users[u]]);
        var lambda = fixedLambda ?? choice.Regularization;
        var scores = ColdUserEvaluation.Evaluate(model, train, test, cold, u => profiles[ratings.Users[u]], options: new ColdUserOptions
        {
            UserMapRegularizations = [lambda], Picks = [0], Evaluation = new EvaluationOptions { MaxRankingUsers = 0 },
        });

        var trained = new bool[train.UserCount];
        foreach (var u in train.User) trained[u] = true;
        var withMap = model.WithUserAttributeMap(AttributeFactors.FitUsers(model, u => profiles[train.Users[u]], u => trained[u], lambda));
        var meanUser = model.WithUserAttributeMap(AttributeFactors.FitUsers(model, u => profiles[train.Users[u]], u => trained[u], float.PositiveInfinity));
        var squared = 0.0;
        var count = 0;
        foreach (var u in cold)
        {
            var profile = ColdUsers.FromProfile(withMap, profiles[ratings.Users[u]])!;
            var mean = ColdUsers.FromProfile(meanUser, profiles[ratings.Users[u]])!;
            for (var i = 0; i < model.Items.Count; i++, count++)
            {
                var d = model.Score(profile.Factors, profile.Bias, i) - model.Score(mean.Factors, mean.Bias, i);
                squared += d * d;
            }
        }
        return (choice, scores.Rows.ToDictionary(r => (r.Name, r.Picks)), Math.Sqrt(squared / count));
    }
}
