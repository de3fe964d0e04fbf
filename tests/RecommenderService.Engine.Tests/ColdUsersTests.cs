namespace RecommenderService.Engine.Tests;

public sealed class ColdUsersTests
{
    [Fact]
    public void Users_held_out_entirely_are_predicted_and_listed_from_their_profile_better_than_strangers()
    {
        var (ratings, profiles, _) = ProfileRatings.Build();
        var ((train, test), cold) = ColdUserEvaluation.SplitUsers(ratings, 0.2, seed: 3);
        Assert.Equal(80, cold.Length);
        Assert.DoesNotContain(train.User, cold.Contains);
        var model = ProfileRatings.Train(train);

        var scores = ColdUserEvaluation.Evaluate(model, train, test, cold, u => profiles[ratings.Users[u]],
            options: new ColdUserOptions { Evaluation = new EvaluationOptions { MaxRankingUsers = 0 } });

        var row = scores.Rows.ToDictionary(r => (r.Name, r.Picks));
        Assert.Equal(80, scores.WithProfile);
        var profile = row[("profile", 0)];
        Assert.True(profile.Rmse < row[("mu + b_i", 0)].Rmse - 0.02, $"profile {profile.Rmse:F3}, mu + b_i {row[("mu + b_i", 0)].Rmse:F3}");
        Assert.True(profile.Precision > row[("popular (most rated)", 0)].Precision,
            $"P@10 profile {profile.Precision:F3}, popular {row[("popular (most rated)", 0)].Precision:F3}");
        // Three ratings and the profile beat three ratings alone.
        Assert.True(row[("picks + profile", 3)].LikedPrecision > row[("picks", 3)].LikedPrecision,
            $"liked P@10 picks + profile {row[("picks + profile", 3)].LikedPrecision:F3}, picks {row[("picks", 3)].LikedPrecision:F3}");
        Assert.True(row[("picks + profile", 3)].Rmse < row[("picks", 3)].Rmse);
    }

    [Fact]
    public void The_user_map_recovers_the_segment_a_profile_names()
    {
        var (ratings, profiles, _) = ProfileRatings.Build();
        var model = ProfileRatings.Train(ratings);
        var map = AttributeFactors.FitOnUsers(model, ratings, profiles)!;
        model = model.WithUserAttributeMap(map);

        // Each segment's derived vector is closer to its own members' mean vector than to any other segment's.
        for (var s = 0; s < ProfileRatings.Segments; s++)
        {
            var derived = ColdUsers.FromProfile(model, [$"segment:s{s}"])!;
            var distances = Enumerable.Range(0, ProfileRatings.Segments).Select(t => Distance(derived.Factors, MeanOf(model, ratings, t))).ToArray();
            Assert.Equal(s, Array.IndexOf(distances, distances.Min()));
        }
        Assert.Equal(ratings.UserCount, map.Fitted);
        Assert.Null(ColdUsers.FromProfile(model, ["segment:unknown"]));
        Assert.Null(ColdUsers.FromProfile(model.WithUserAttributeMap(null), ["segment:s1"]));
    }

    [Fact]
    public void Without_ratings_a_profile_user_gets_the_profile_and_ratings_move_them_from_it()
    {
        var (ratings, profiles, _) = ProfileRatings.Build(users: 120, items: 60);
        var model = ProfileRatings.Train(ratings);
        model = model.WithUserAttributeMap(AttributeFactors.FitOnUsers(model, ratings, profiles));
        var tokens = new ProfileTokens(["segment:s2"], []);
        var prior = ColdUsers.FromProfile(model, tokens.Profile)!;

        var none = ColdUsers.Solve(model, tokens, [], [], 5f)!;
        var rated = ColdUsers.Solve(model, tokens, [0, 1], [5f, 5f], 5f)!;

        Assert.Equal(prior.Factors, none.Factors);
        Assert.Equal(prior.RankingFactors!, none.RankingFactors!);
        Assert.True(rated.Bias > prior.Bias, "two fives raise the bias above the profile's");
        Assert.True(model.Score(rated.Factors, rated.Bias, 0) > model.Score(prior.Factors, prior.Bias, 0));
        Assert.Null(ColdUsers.Solve(model, new ProfileTokens(["segment:unknown"], []), [], [], 5f));
    }

    [Fact]
    public void Onboarding_likes_of_a_genre_with_an_audience_fill_the_list_with_it()
    {
        var (ratings, profiles, genre) = ProfileRatings.Build();
        var model = ProfileRatings.Train(ratings);
        model = model.WithAttributeMap(AttributeFactors.FitOnRatings(model, ratings, genre))
            .WithUserAttributeMap(AttributeFactors.FitOnUsers(model, ratings, profiles));
        var stranger = ListScore.Default.Top(model, new float[model.Factors], 0, new float[model.Ranking!.Factors], 10, []);
        var counts = new int[ProfileRatings.Genres];
        var strangers = new int[ProfileRatings.Genres];
        foreach (var liked in Enumerable.Range(0, ProfileRatings.Genres))
        {
            var user = ColdUsers.Solve(model, new ProfileTokens([], [$"genre:g{liked}"]), [], [], 5f)!;
            var top = ListScore.Default.Top(model, user.Factors, user.Bias, user.RankingFactors, 10, []);
            counts[liked] = top.Count(t => GenreOf(model, t.Item) == liked);
            strangers[liked] = stranger.Count(t => GenreOf(model, t.Item) == liked);
        }

        // Genres with an audience fill the list; one that users in this world mostly dislike is held back by the
        // rating head's prediction for it, like or not (the like is evidence, not a filter).
        var report = $"liked genre's items in 10: {string.Join(", ", counts)}; for a stranger: {string.Join(", ", strangers)}";
        Assert.True(counts.Count(c => c >= 8) >= 2, report);
        Assert.True(counts.Sum() > 1.5 * strangers.Sum(), report);
        Assert.Equal(1, ColdUsers.UsableLikes(model, ["genre:g1", "genre:unknown"]));
    }

    [Fact]
    public void Onboarding_likes_move_the_users_vector_but_not_their_bias()
    {
        var (ratings, profiles, genre) = ProfileRatings.Build();
        var model = ProfileRatings.Train(ratings);
        model = model.WithAttributeMap(AttributeFactors.FitOnRatings(model, ratings, genre))
            .WithUserAttributeMap(AttributeFactors.FitOnUsers(model, ratings, profiles));
        var profileOnly = ColdUsers.Solve(model, new ProfileTokens(["segment:s2"], []), [], [], 5f)!;
        var withLikes = ColdUsers.Solve(model, new ProfileTokens(["segment:s2"], ["genre:g1", "genre:g2"]), [], [], 5f)!;
        var likesOnly = ColdUsers.Solve(model, new ProfileTokens([], ["genre:g1"]), [], [], 5f)!;

        // A like says which items, not how generously the user rates: the bias is the profile's (0 without one).
        Assert.Equal(profileOnly.Bias, withLikes.Bias);
        Assert.Equal(0f, likesOnly.Bias);
        Assert.NotEqual(profileOnly.Factors, withLikes.Factors);
    }

    private static int GenreOf(FactorModel model, int item) => int.Parse(model.Items[item][1..]) % ProfileRatings.Genres;

    private static float[] MeanOf(FactorModel model, RatingSet ratings, int segment)
    {
        var mean = new float[model.Factors];
        var n = 0;
        for (var u = 0; u < model.Users.Count; u++)
        {
            if (int.Parse(model.Users[u][1..]) % ProfileRatings.Segments != segment) continue;
            for (var f = 0; f < mean.Length; f++) mean[f] += model.UserVector(u)[f];
            n++;
        }
        for (var f = 0; f < mean.Length; f++) mean[f] /= n;
        return mean;
    }

    private static double Distance(float[] a, float[] b) => Math.Sqrt(a.Zip(b, (x, y) => (x - y) * (x - y)).Sum());
}
