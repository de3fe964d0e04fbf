namespace RecommenderService.Engine.Tests;

/// <summary>
/// Planted cases, one per popularity list: groups of ten items rated by earlier users so that each list puts a
/// different group on top, and newcomers who then rate (and like) one group only. The list that found that group must win.
/// </summary>
public sealed class NewcomerJudgingTests
{
    private const long Now = 1_700_000_000; // 2023-11-14 22:13 UTC
    private const long Day = 86_400;

    [Fact]
    public void Most_rated_wins_where_newcomers_choose_what_most_people_rated()
    {
        var plant = new Planted();
        plant.Old("watched", raters: 300, value: 3, time: Now - 200 * Day);
        plant.Old("loved", raters: 250, value: 5, time: Now);
        plant.Newcomers("watched");

        AssertWinner(PopularityList.MostRated, plant);
    }

    [Fact]
    public void The_damped_mean_wins_where_newcomers_choose_the_few_best_rated_items()
    {
        var plant = new Planted();
        plant.Old("gems", raters: 5, value: 5, time: Now - 100 * Day);
        plant.Old("solid", raters: 300, value: 4, time: Now);
        plant.Newcomers("gems");

        AssertWinner(PopularityList.DampedMean, plant);
    }

    [Fact]
    public void Recent_most_rated_wins_where_newcomers_choose_what_this_month_chose()
    {
        var plant = new Planted();
        plant.Old("this-month", raters: 50, value: 3, time: Now - 20 * Day);
        plant.Old("today", raters: 30, value: 3, time: Now);
        plant.Old("last-quarter", raters: 300, value: 3, time: Now - 40 * Day);
        plant.Newcomers("this-month");

        AssertWinner(PopularityList.RecentMostRated, plant);
    }

    [Fact]
    public void Liked_count_wins_where_a_popular_item_is_disliked()
    {
        var plant = new Planted();
        plant.Old("divisive", raters: 100, value: 5, time: Now - 100 * Day);
        plant.Old("divisive", raters: 100, value: 1, time: Now - 100 * Day);
        plant.Old("popular-but-meh", raters: 300, value: 3, time: Now);
        plant.Old("cult", raters: 20, value: 5, time: Now - 100 * Day);
        plant.Newcomers("divisive");

        AssertWinner(PopularityList.LikedCount, plant);
    }

    [Fact]
    public void Liked_boosted_wins_where_newcomers_choose_items_both_often_rated_and_often_liked()
    {
        var plant = new Planted();
        plant.Old("both", raters: 100, value: 5, time: Now - 100 * Day);
        plant.Old("both", raters: 100, value: 3, time: Now - 100 * Day);
        plant.Old("rated", raters: 240, value: 3, time: Now);
        plant.Old("liked", raters: 120, value: 5, time: Now - 100 * Day);
        plant.Newcomers("both");

        AssertWinner(PopularityList.LikedBoosted, plant);
    }

    [Fact]
    public void The_liked_lower_bound_wins_where_newcomers_choose_what_nearly_everyone_liked()
    {
        var plant = new Planted();
        plant.Old("liked-by-all", raters: 60, value: 4, time: Now - 100 * Day);
        plant.Old("mixed", raters: 300, value: 4, time: Now);
        plant.Old("mixed", raters: 200, value: 2, time: Now);
        plant.Old("few-fives", raters: 8, value: 5, time: Now - 100 * Day);
        plant.Newcomers("liked-by-all");

        AssertWinner(PopularityList.LikedLowerBound, plant);
    }

    [Fact]
    public void Trending_wins_where_newcomers_choose_what_is_rising()
    {
        var plant = new Planted();
        plant.Old("rising", raters: 40, value: 3, time: Now - Day);
        plant.Old("this-month", raters: 100, value: 3, time: Now - 15 * Day);
        plant.Old("classic", raters: 500, value: 3, time: Now - 200 * Day);
        plant.Old("today", raters: 1, value: 3, time: Now);
        plant.Newcomers("rising");

        AssertWinner(PopularityList.Trending, plant);
    }

    [Fact]
    public void A_pinned_list_is_served_while_the_winner_is_still_recorded()
    {
        var plant = new Planted();
        plant.Old("watched", raters: 300, value: 3, time: Now - 200 * Day);
        plant.Old("loved", raters: 250, value: 5, time: Now);
        plant.Newcomers("watched");

        var report = plant.Judge(new PopularitySettings(NewcomerList: PopularityList.Trending));

        Assert.Equal(PopularityList.MostRated, report.Winner);
        Assert.Equal(PopularityList.Trending, report.Served);
        Assert.True(report.Pinned);
    }

    [Fact]
    public void A_list_more_than_two_percent_behind_on_precision_cannot_win_by_liked_items()
    {
        var scores = (double rated, double liked) => new ListMetrics(10, new RankingScores(10, rated, 0, 0, 100), new RankingScores(10, liked, 0, 0, 100), 0, 4, 2);
        var candidates = new[]
        {
            new PopularityListScores(PopularityList.MostRated, scores(0.50, 0.32)),
            new PopularityListScores(PopularityList.LikedCount, scores(0.48, 0.37)),
            new PopularityListScores(PopularityList.LikedBoosted, scores(0.495, 0.35)),
        };

        // 0.48 is 4 % behind the best P@10; 0.495 is within 2 %, so the best liked P@10 of the two that are is chosen.
        Assert.Equal(PopularityList.LikedBoosted, NewcomerJudging.Best(candidates));
        Assert.Equal(PopularityList.MostRated, NewcomerJudging.Best(candidates[..1]));
    }

    [Fact]
    public void Equal_figures_go_to_the_earlier_list()
    {
        var same = new ListMetrics(10, new RankingScores(10, 0.5, 0, 0, 10), new RankingScores(10, 0.3, 0, 0, 10), 0, 4, 2);
        Assert.Equal(PopularityList.DampedMean, NewcomerJudging.Best(
            [new(PopularityList.DampedMean, same), new(PopularityList.Trending, same)]));
    }

    [Fact]
    public void Without_newcomers_the_lists_are_judged_on_held_out_users_with_history()
    {
        var plant = new Planted();
        plant.Old("watched", raters: 30, value: 4, time: Now);
        plant.Old("other", raters: 10, value: 4, time: Now);
        plant.Later("old-0", "other", value: 5);
        plant.Later("old-1", "other", value: 5);

        var report = plant.Judge();

        Assert.Equal(JudgedUsers.UsersWithHistory, report.JudgedOn);
        Assert.Equal(2, report.Users);
    }

    [Fact]
    public void Nobody_to_judge_leaves_the_most_rated_list()
    {
        var plant = new Planted();
        plant.Old("watched", raters: 3, value: 4, time: Now);

        var report = plant.Judge();

        Assert.Equal(JudgedUsers.None, report.JudgedOn);
        Assert.Equal(PopularityList.MostRated, report.Winner);
        Assert.Equal(PopularityLists.All.Count, report.Candidates.Count);
    }

    private static void AssertWinner(PopularityList expected, Planted plant)
    {
        var report = plant.Judge();
        var figures = string.Join("; ", report.Candidates.Select(c =>
            $"{PopularityLists.Name(c.List)} P@10 {c.Scores.Rated.Precision:F3} liked {c.Scores.Liked.Precision:F3}"));

        Assert.Equal(JudgedUsers.Newcomers, report.JudgedOn);
        Assert.Equal(Planted.NewcomerCount, report.Users);
        Assert.True(expected == report.Winner, $"expected {PopularityLists.Name(expected)}: {figures}");
        Assert.Equal(expected, report.Served);
        // Planted so that only the expected list finds what the newcomers chose.
        var winner = report.Of(expected)!.Value;
        Assert.Equal(1.0, winner.Liked.Precision);
        Assert.All(report.Candidates.Where(c => c.List != expected), c => Assert.True(c.Scores.Liked.Precision < 1.0, $"{PopularityLists.Name(c.List)} also found them: {figures}"));
    }

    /// <summary>Groups of ten items rated by earlier users (training) and by newcomers (held out).</summary>
    private sealed class Planted
    {
        public const int NewcomerCount = 20;
        private readonly RatingSetBuilder _ratings = new();
        private readonly List<bool> _heldOut = [];
        private int _users;

        /// <summary><paramref name="raters"/> users never seen before each rate the group's ten items.</summary>
        public void Old(string group, int raters, float value, long time)
        {
            for (var u = 0; u < raters; u++, _users++)
                for (var i = 0; i < 10; i++) Add($"old-{_users}", $"{group}-{i}", value, time, heldOut: false);
        }

        /// <summary>Every newcomer rates and likes the group's ten items, after the training ratings.</summary>
        public void Newcomers(string group)
        {
            for (var u = 0; u < NewcomerCount; u++)
                for (var i = 0; i < 10; i++) Add($"newcomer-{u}", $"{group}-{i}", 5, Now + Day, heldOut: true);
        }

        /// <summary>An earlier user rates the group's first item again later (held out).</summary>
        public void Later(string user, string group, float value) => Add(user, $"{group}-0", value, Now + Day, heldOut: true);

        public NewcomerListReport Judge(PopularitySettings? settings = null)
        {
            settings ??= new PopularitySettings();
            var all = _ratings.Build();
            var rows = Enumerable.Range(0, all.Count);
            var train = all.Subset(rows.Where(r => !_heldOut[r]).ToArray());
            var test = all.Subset(rows.Where(r => _heldOut[r]).ToArray());
            var options = new EvaluationOptions { MaxRankingUsers = 0 };
            var counts = PopularityCounts.Of(train, settings, options.EffectiveLikedThreshold, train.Time.Max());
            return NewcomerJudging.Judge(counts, train, test, settings, options, RatingScale.OneToFive);
        }

        private void Add(string user, string item, float value, long time, bool heldOut)
        {
            _ratings.Add(user, item, value, time);
            _heldOut.Add(heldOut);
        }
    }
}
