using System.Globalization;
using System.Text.Json;

namespace RecommenderService.Cli.Tests;

public sealed class CommandLineTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = RecsysCommandLine.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string[] Lines(string path) => File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();

    [Fact]
    public void Evaluate_uses_the_services_defaults_for_the_size_of_the_training_part()
    {
        // 1.12M ratings: the training part of a 10 % holdout is over DataSizeDefaults.LargeRatings, so the model is the
        // service's large-data recipe (k = 64, adaptive steps), not MovieLens' k = 256 with fixed steps.
        var ratings = _dir.File("large.tsv");
        Assert.Equal(0, Run("generate", "--users", "4000", "--items", "1000", "--ratings", "1120000", "--output", ratings, "--seed", "3").Code);
        var large = Run("evaluate", "--ratings", ratings, "--holdout", "0.1", "--ranking-only", "--max-rank-users", "20",
            "--ranking-iterations", "1", "--ranking-search", "off", "--threads", "2");
        Assert.Equal(0, large.Code);
        var model = large.Out.Split('\n').Single(l => l.Contains("model: "));
        Assert.Contains("factors 64", model);
        Assert.Contains("adaptive steps", model);

        // A flag still wins over the size's default.
        var flagged = Run("evaluate", "--ratings", ratings, "--holdout", "0.1", "--ranking-only", "--max-rank-users", "20",
            "--ranking-iterations", "1", "--ranking-search", "off", "--threads", "2", "--factors", "32");
        Assert.Contains("factors 32", flagged.Out.Split('\n').Single(l => l.Contains("model: ")));

        // The item cold-start protocol trains on the ratings of 95 % of the items, also over the threshold.
        var attributes = _dir.Write("attributes.tsv", string.Join("\n", Enumerable.Range(1, 1000).Select(i => $"{i}\tg{i % 7}|h{i % 3}")) + "\n");
        var cold = Run("evaluate", "--ratings", ratings, "--cold-items", "0.05", "--item-attributes", attributes, "--max-rank-users", "20",
            "--epochs", "1", "--ranking-iterations", "1", "--threads", "2");
        Assert.Equal(0, cold.Code);
        var coldModel = cold.Out.Split('\n').Single(l => l.Contains("model: "));
        Assert.Contains("factors 64", coldModel);
        Assert.Contains("adaptive steps", coldModel);
    }

    [Fact]
    public void Generate_train_predict_recommend_and_evaluate_work_end_to_end()
    {
        var ratings = _dir.File("ratings.tsv");
        var model = _dir.File("model.rsm");
        Assert.Equal(0, Run("generate", "--users", "120", "--items", "60", "--ratings", "2000", "--output", ratings, "--seed", "7").Code);
        Assert.Equal(2000, Lines(ratings).Length);

        var train = Run("train", "--ratings", ratings, "--output", model, "--factors", "8", "--epochs", "5", "--threads", "1");
        Assert.Equal(0, train.Code);
        Assert.Equal(5, train.Out.Split('\n').Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s+\d+\s+\d+\.\d{4}\s")));
        Assert.Contains("Total", train.Out);
        Assert.True(new FileInfo(model).Length > 0);

        // Predict: one line per pair in input order, fallbacks for unknown ids, values on the scale.
        var pairs = _dir.Write("pairs.tsv", "5\t3\n1\t2\textra\nnobody\t3\n5\tnothing\nnobody\tnothing\n5\t3\n");
        var predictions = _dir.File("predictions.tsv");
        Assert.Equal(0, Run("predict", "--model", model, "--pairs", pairs, "--output", predictions).Code);
        var lines = Lines(predictions).Select(l => l.Split('\t')).ToArray();
        Assert.Equal(["5:3", "1:2", "nobody:3", "5:nothing", "nobody:nothing", "5:3"], lines.Select(f => f[0] + ":" + f[1]));
        Assert.All(lines, f => Assert.InRange(float.Parse(f[2], CultureInfo.InvariantCulture), 1f, 5f));
        Assert.Equal(lines[0][2], lines[5][2]);

        // Recommend: N lines per user, best first, never an item the user rated.
        var recommendations = _dir.File("recommendations.tsv");
        Assert.Equal(0, Run("recommend", "--model", model, "--ratings", ratings, "--count", "5", "--output", recommendations).Code);
        var rated = Lines(ratings).Select(l => l.Split('\t')).Select(f => (f[0], f[1])).ToHashSet();
        var recs = Lines(recommendations).Select(l => l.Split('\t')).ToArray();
        var users = rated.Select(r => r.Item1).Distinct().Count();
        Assert.Equal(users * 5, recs.Length);
        Assert.All(recs, f => Assert.DoesNotContain((f[0], f[1]), rated));
        foreach (var group in recs.GroupBy(f => f[0]))
        {
            var scores = group.Select(f => float.Parse(f[2], CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(scores.OrderDescending(), scores);
            Assert.Equal(5, group.Select(f => f[1]).Distinct().Count());
        }

        // Evaluate --json: every model with every metric.
        var evaluate = Run("evaluate", "--ratings", ratings, "--holdout", "0.2", "--json", "--factors", "8", "--epochs", "5", "--threads", "1");
        Assert.Equal(0, evaluate.Code);
        using var json = JsonDocument.Parse(evaluate.Out);
        var models = json.RootElement.GetProperty("models").EnumerateArray().ToArray();
        Assert.Equal(["mf", "mf-no-bias", "biases", "global-mean", "svd", "ranking-head", "ranking", "popularity"], models.Select(m => m.GetProperty("name").GetString()));
        Assert.Equal(4, json.RootElement.GetProperty("likedThreshold").GetDouble());
        Assert.Equal(2, json.RootElement.GetProperty("dislikedThreshold").GetDouble());
        foreach (var m in models)
        {
            foreach (var metric in new[] { "rmse", "mae", "precision@10", "recall@10", "ndcg@10", "likedPrecision@10", "likedRecall@10", "likedNdcg@10", "disliked@10", "seconds" })
                Assert.True(m.GetProperty(metric).GetDouble() >= 0);
            Assert.InRange(m.GetProperty("rmse").GetDouble(), 0.1, 4); // at most the width of the 1-5 scale
        }
        Assert.Equal(400, json.RootElement.GetProperty("testRatings").GetInt32());
    }

    [Fact]
    public void Catalogue_writes_a_titled_item_with_genres_for_every_item_id_deterministically()
    {
        var first = _dir.File("catalogue.tsv");
        var second = _dir.File("again.tsv");
        Assert.Equal(0, Run("catalogue", "--items", "300", "--output", first, "--seed", "7").Code);
        Assert.Equal(0, Run("catalogue", "--items", "300", "--output", second, "--seed", "7").Code);

        var lines = Lines(first).Select(l => l.Split('\t')).ToArray();
        Assert.Equal(Enumerable.Range(1, 300).Select(k => k.ToString(CultureInfo.InvariantCulture)), lines.Select(f => f[0]));
        var bodies = lines.Select(f => JsonDocument.Parse(f[1]).RootElement).ToArray();
        var titles = bodies.Select(b => b.GetProperty("title").GetString()!).ToArray();
        Assert.Equal(300, titles.Distinct().Count());
        Assert.All(titles, t => Assert.Matches(@"^[A-Z][A-Za-z' ,-]+( \(\d{4}\))?$", t));
        var genres = bodies.Select(b => b.GetProperty("attributes").GetProperty("genres").EnumerateArray().Select(g => g.GetString()!).ToArray()).ToArray();
        Assert.All(genres, g => Assert.InRange(g.Length, 1, 3));
        // Every genre is common enough to filter on, and none covers everything.
        foreach (var genre in genres.SelectMany(g => g).Distinct())
            Assert.InRange(genres.Count(g => g.Contains(genre)), 5, 200);
        Assert.All(bodies, b => Assert.InRange(b.GetProperty("attributes").GetProperty("year").GetInt32(), 1950, 2025));
        Assert.Equal(File.ReadAllText(first), File.ReadAllText(second));
    }

    [Fact]
    public void Kfold_evaluation_and_tuning_report_every_fold_and_grid_point()
    {
        var ratings = _dir.File("ratings.tsv");
        Assert.Equal(0, Run("generate", "--users", "80", "--items", "40", "--ratings", "900", "--output", ratings).Code);
        var evaluate = Run("evaluate", "--ratings", ratings, "--kfold", "3", "--json", "--factors", "4", "--epochs", "2", "--threads", "1");
        Assert.Equal(0, evaluate.Code);
        using var json = JsonDocument.Parse(evaluate.Out);
        Assert.Equal(3, json.RootElement.GetProperty("splits").GetInt32());
        Assert.True(json.RootElement.GetProperty("models")[0].TryGetProperty("rmseStd", out _));

        var tune = Run("tune", "--ratings", ratings, "--kfold", "2", "--factors", "2,4", "--regularization", "0.02,0.1", "--epochs", "2", "--threads", "1");
        Assert.Equal(0, tune.Code);
        var rows = tune.Out.Split('\n').Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s+\d+\s+\d+\s")).ToArray();
        Assert.Equal(4, rows.Length);
        var rmse = rows.Select(r => double.Parse(r.Split(' ', StringSplitOptions.RemoveEmptyEntries)[5], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(rmse.Order(), rmse);
    }

    [Fact]
    public void Evaluate_with_whole_users_held_out_reports_every_newcomer_list_and_the_winner()
    {
        var ratings = _dir.File("ratings.tsv");
        Assert.Equal(0, Run("generate", "--users", "400", "--items", "150", "--ratings", "8000", "--output", ratings, "--seed", "5").Code);

        var table = Run("evaluate", "--ratings", ratings, "--newcomers", "0.2");
        var json = Run("evaluate", "--ratings", ratings, "--newcomers", "0.2", "--json");

        Assert.Equal(0, table.Code);
        Assert.All(PopularityLists.Names, name => Assert.Contains($"    {name} ", table.Out));
        using var report = JsonDocument.Parse(json.Out);
        var root = report.RootElement;
        Assert.Equal(80, root.GetProperty("users").GetInt32());
        Assert.Equal(PopularityLists.Names, root.GetProperty("candidates").EnumerateArray().Select(c => c.GetProperty("list").GetString()));
        Assert.Contains($"-> winner {root.GetProperty("winner").GetString()}", table.Out);
    }

    [Theory]
    [InlineData("train", "--ratings", "x", "--output", "y", "--bogus", "1")]
    [InlineData("train", "--ratings", "x", "--output", "y", "--factors", "many")]
    [InlineData("train", "--ratings", "x")]
    [InlineData("evaluate", "--ratings", "x", "--kfold", "5", "--holdout", "0.2")]
    [InlineData("evaluate", "--ratings", "x", "--per-user", "0.25", "--ranking-search", "maybe")]
    [InlineData("train", "--ratings", "x", "--output", "y", "--ranking-exact-rows", "maybe")]
    [InlineData("evaluate", "--ratings", "x", "--per-user", "0.25", "--ranking-negatives", "maybe")]
    [InlineData("evaluate", "--ratings", "x", "--per-user", "0.25", "--ranking-negatives", "5")]
    [InlineData("evaluate", "--ratings", "x", "--per-user", "0.25", "--ranking-weighting", "cubed")]
    [InlineData("evaluate", "--ratings", "x", "--temporal", "0.1", "--popularity-window-days", "900")]
    [InlineData("evaluate", "--ratings", "x", "--temporal", "0.1", "--popularity-prior-count", "-1")]
    [InlineData("evaluate", "--ratings", "x", "--temporal", "0.1", "--newcomer-list", "hottest")]
    [InlineData("evaluate", "--ratings", "x", "--temporal", "0.1", "--popularity-half-life-days", "0")]
    [InlineData("evaluate", "--ratings", "x", "--newcomers", "0.2", "--temporal", "0.1")]
    [InlineData("frobnicate")]
    public void A_bad_command_line_exits_2_with_a_message_on_stderr(params string[] args)
    {
        var (code, _, err) = Run(args);
        Assert.Equal(2, code);
        Assert.StartsWith("recsys: ", err);
    }

    [Fact]
    public void A_bad_rating_line_exits_1_naming_the_file_and_line()
    {
        var bad = _dir.Write("bad.tsv", "1\t2\t3\n1\t3\tnope\n");
        var (code, _, err) = Run("train", "--ratings", bad, "--output", _dir.File("m"), "--epochs", "1");
        Assert.Equal(1, code);
        Assert.Contains($"{bad}:2:", err);
    }

    [Fact]
    public void Evaluate_reports_the_ranking_penalty_search_unless_it_is_switched_off()
    {
        var ratings = _dir.File("search.tsv");
        Assert.Equal(0, Run("generate", "--users", "300", "--items", "120", "--ratings", "6000", "--output", ratings, "--choice-affinity", "0").Code);
        string[] common = ["evaluate", "--ratings", ratings, "--per-user", "0.25", "--ranking-only", "--threads", "1", "--ranking-factors", "8"];

        var searched = Run([.. common]);
        var fixedPenalty = Run([.. common, "--ranking-search", "off"]);

        Assert.Equal(0, searched.Code);
        Assert.Matches(@"penalty search: x1 \(lambda [0-9.]+\) NDCG@10 [0-9.]+, .*; chose x[0-9.]+", searched.Out);
        Assert.Contains("penalty search on", searched.Out);
        Assert.Equal(0, fixedPenalty.Code);
        Assert.DoesNotContain("penalty search:", fixedPenalty.Out);
        Assert.Contains("penalty search off", fixedPenalty.Out);
    }

    [Fact]
    public void Evaluate_inner_judges_a_split_of_the_training_part_and_never_the_test_part()
    {
        var ratings = _dir.File("inner.tsv");
        Assert.Equal(0, Run("generate", "--users", "200", "--items", "80", "--ratings", "4000", "--output", ratings).Code);
        string[] common = ["evaluate", "--ratings", ratings, "--per-user", "0.25", "--ranking-only", "--threads", "1", "--ranking-factors", "8",
            "--ranking-search", "off", "--json"];

        var outer = Run([.. common]);
        var inner = Run([.. common, "--inner", "0.25"]);
        var otherSeed = Run([.. common, "--inner", "0.25", "--inner-seed", "8"]);

        Assert.Equal(0, inner.Code);
        int TestRatings(string json) => JsonDocument.Parse(json).RootElement.GetProperty("testRatings").GetInt32();
        // About a quarter of the remaining three quarters, on another seed other ratings.
        Assert.InRange(TestRatings(inner.Out), TestRatings(outer.Out) * 0.6, TestRatings(outer.Out) * 0.9);
        Assert.NotEqual(inner.Out, otherSeed.Out);
        Assert.Equal(2, Run([.. common, "--inner", "1"]).Code);
    }

    [Fact]
    public void Evaluate_can_show_the_lists_a_rating_head_that_saw_the_test_ratings_would_give()
    {
        var ratings = _dir.File("seen.tsv");
        Assert.Equal(0, Run("generate", "--users", "200", "--items", "80", "--ratings", "4000", "--output", ratings).Code);
        string[] common = ["evaluate", "--ratings", ratings, "--per-user", "0.25", "--threads", "1", "--factors", "8", "--epochs", "20",
            "--ranking-factors", "8", "--ranking-search", "off", "--json"];

        JsonElement Row(string json, string name) =>
            JsonDocument.Parse(json).RootElement.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("name").GetString() == name);
        double Rmse(JsonElement row) => row.GetProperty("rmse").GetDouble();
        var none = Run([.. common, "--rating-head-sees-test", "0"]);
        var all = Run([.. common, "--rating-head-sees-test", "1"]);

        Assert.Equal(0, none.Code);
        // Seeing none of the test ratings is the ranking row itself: the same rating head, so the same lists.
        Assert.Equal(Row(none.Out, "ranking").ToString(), Row(none.Out, "ranking-seen").ToString().Replace("ranking-seen", "ranking"),
            new SecondsIgnored());
        // Seeing all of them, the rating head has learned the answers it is scored on.
        Assert.True(Rmse(Row(all.Out, "ranking-seen")) < Rmse(Row(all.Out, "ranking")) - 0.02,
            $"{Rmse(Row(all.Out, "ranking-seen"))} vs {Rmse(Row(all.Out, "ranking"))}");
        Assert.Equal(2, Run([.. common, "--rating-head-sees-test", "1.5"]).Code);
        Assert.Equal(2, Run([.. common, "--rating-head-sees-test", "1", "--ranking-only"]).Code);
        Assert.Equal(2, Run([.. common, "--rating-head-sees-test", "1", "--list-sharpness", "0"]).Code);
    }

    /// <summary>Compares two JSON rows of evaluate by every metric but the fitting time.</summary>
    private sealed class SecondsIgnored : IEqualityComparer<string>
    {
        public bool Equals(string? a, string? b) => Strip(a) == Strip(b);
        public int GetHashCode(string s) => Strip(s).GetHashCode();
        private static string Strip(string? json) =>
            string.Join(",", JsonDocument.Parse(json!).RootElement.EnumerateObject().Where(p => p.Name != "seconds").Select(p => $"{p.Name}={p.Value}"));
    }

    [Fact]
    public void Evaluates_service_row_judges_the_popular_list_made_with_the_given_popularity_settings()
    {
        var ratings = _dir.File("served.tsv");
        Assert.Equal(0, Run("generate", "--users", "300", "--items", "120", "--ratings", "6000", "--output", ratings).Code);
        string[] common = ["evaluate", "--ratings", ratings, "--temporal", "0.1", "--threads", "1", "--factors", "8", "--epochs", "10",
            "--ranking-factors", "8", "--ranking-search", "off", "--newcomer-list", "damped-mean"];

        string Served(string output) => System.Text.RegularExpressions.Regex.Match(output, @"popularity as served ([0-9.]+)").Groups[1].Value;
        var asDefault = Run([.. common]);
        var noPrior = Run([.. common, "--popularity-prior-count", "0"]);

        Assert.Equal(0, asDefault.Code);
        Assert.NotEqual("", Served(asDefault.Out));
        // The damped mean is pinned, so it is served; C = 0 puts single 5-star items first: a different list of the same data.
        Assert.NotEqual(Served(asDefault.Out), Served(noPrior.Out));
        Assert.Equal(Served(asDefault.Out), Served(Run([.. common, "--popularity-prior-count", "10"]).Out));
    }

    [Fact]
    public void Help_is_available_overall_and_per_command()
    {
        Assert.Contains("Commands:", Run("help").Out);
        Assert.Contains("--learning-rate", Run("train", "--help").Out);
        Assert.Contains("--kfold", Run("help", "evaluate").Out);
    }
}
