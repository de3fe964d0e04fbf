using System.Diagnostics;
using RecommenderService.Engine;

namespace RecommenderService.Cli;

/// <summary><c>recsys evaluate</c>: the model and every baseline on one split protocol, as a table or JSON.</summary>
internal sealed class EvaluateCommand : ICommand
{
    public string Name => "evaluate";
    public string Summary => "compare the model's two heads with the baselines (RMSE, MAE, P/R/NDCG@10)";
    public string Usage => "Usage: recsys evaluate (--train FILE --test FILE | --ratings FILE (--kfold K | --temporal F | --holdout F | --per-user F))\n"
        + "                      [--json] [--svd-rank R] [--max-rank-users N] [--ranking-only] [flags]\n\n"
        + "Protocols: --train/--test two files; --kfold K shuffled K-fold CV (mean and std over folds, numpy\n"
        + "RandomState(seed) as scikit-learn's KFold); --temporal F newest fraction F as test; --holdout F random\n"
        + "fraction F as test (test = first ceil(n*F) of numpy RandomState(seed).permutation(n)); --per-user F\n"
        + "round(n_u*F) of each user's n_u ratings as test (at most n_u-1; numpy RandomState(seed) shuffles each user's\n"
        + "rows in user order), EVERY held-out item relevant, rows: popularity, mf, ranking, and the similar-items hit rate.\n"
        + "Rows: mf (the model: given flags or defaults), mf-no-bias (same, without biases), biases (damped\n"
        + "closed form), global-mean, svd (rank-R truncated SVD of the user-mean-imputed dense matrix, default\n"
        + "R=20; skipped over 1 GiB), ranking (the rating head of mf for RMSE/MAE + the implicit-ALS ranking head for\n"
        + "the lists; seconds = ranking head only), popularity (most-rated items; damped mean for RMSE).\n"
        + "--ranking-only skips the rating models (ranking's RMSE is then the global mean's).\n"
        + "With --temporal, the row service is the service's own retrain recipe on the same cut: both heads, RMSE on\n"
        + "every held-out rating, lists of the source its quality gate picks (ranking head, rating head or popularity),\n"
        + "judged on held-out users with history, every held-out item relevant.\n"
        + "Ranking metrics: relevant = test rating >= 4 (every test item with --per-user), rated training items\n"
        + "excluded, users without relevant items skipped, at most N users (default 10000, 0 = all). seconds =\n"
        + "fitting time. --seed also seeds the split (default 42).\n\nFlags:\n" + TrainingFlags.Help + RankingFlags.Help;
    public IReadOnlySet<string> ValueFlags { get; } = new HashSet<string>(
        ["train", "test", "ratings", "kfold", "temporal", "holdout", "per-user", "svd-rank", "max-rank-users", .. TrainingFlags.Names, .. RankingFlags.Names]);
    public IReadOnlySet<string> Switches { get; } = new HashSet<string> { "json", "ranking-only" };

    // With --temporal: every rating, for the service's own recipe (TemporalTraining), which splits them itself.
    private RatingSet? _temporalRatings;

    public int Execute(CommandArguments args, TextWriter output)
    {
        var options = TrainingFlags.Apply(args, Name);
        var seed = (uint)(args.Int("seed") ?? 42);
        var svdRank = args.Int("svd-rank", 1, 1000) ?? 20;
        var rankingOptions = RankingFlags.Apply(args, Name);
        var perUser = args.Has("per-user");
        var rankingOnly = args.Switch("ranking-only");
        var evaluation = new EvaluationOptions
        {
            MaxRankingUsers = args.Int("max-rank-users", 0) ?? 10_000, Seed = seed,
            RelevanceThreshold = perUser ? null : RankingMetrics.DefaultThreshold,
        };
        var json = args.Switch("json");
        var log = json ? TextWriter.Null : output;

        var clock = Stopwatch.StartNew();
        var (protocol, splits) = Splits(args, seed);
        log.WriteLine($"{protocol}: {splits.Length} split(s), read and split in {clock.Elapsed.TotalSeconds:F2} s; model: {TrainingFlags.Describe(options)}");
        log.WriteLine($"ranking head: {RankingFlags.Describe(rankingOptions)}");

        var perFold = new List<EvaluationResult[]>();
        foreach (var (train, test) in splits)
        {
            var results = new List<EvaluationResult>();
            FactorModel? rating = null, both = null;
            if (!rankingOnly)
                results.Add(Run("mf", () => new FactorModelPredictor(rating = TrainingPolicy.Fit(train, options).Model, "mf"), train, test, evaluation, log)!);
            results.Add(Run("ranking", () => new RankingHeadPredictor(
                both = (rating ?? MeanOnly(train, options)).WithRanking(new RankingTrainer(rankingOptions).Train(train))), train, test, evaluation, log)!);
            if (!rankingOnly && !perUser)
            {
                results.Add(Run("mf-no-bias", () => new FactorModelPredictor(TrainingPolicy.Fit(train, options with { UseBiases = false }).Model, "mf-no-bias"), train, test, evaluation, log)!);
                results.Add(Run("biases", () => BiasBaseline.Fit(train, options.Scale), train, test, evaluation, log)!);
                results.Add(Run("global-mean", () => GlobalMeanBaseline.Fit(train, options.Scale), train, test, evaluation, log)!);
                var svd = Run("svd", () => TruncatedSvdBaseline.Fit(train, options.Scale, new TruncatedSvdOptions { Rank = svdRank, Seed = options.Seed }), train, test, evaluation, log);
                if (svd is not null) results.Add(svd);
            }
            results.Add(Run("popularity", () => PopularityPredictor.Fit(train, options.Scale), train, test, evaluation, log)!);
            if (perUser && both is not null)
            {
                var byRanking = Evaluation.SimilarItemHitRate(both, train, test, useRanking: true, seed: seed);
                var text = rankingOnly ? "" : $"rating factors {Evaluation.SimilarItemHitRate(both, train, test, useRanking: false, seed: seed):F4}, ";
                log.WriteLine($"  similar items hit rate@10 (a held-out item among a random training item's 10 nearest): {text}ranking factors {byRanking:F4}");
            }
            string[] order = perUser ? ["popularity", "mf", "ranking"] : ["mf", "mf-no-bias", "biases", "global-mean", "svd", "ranking", "popularity"];
            perFold.Add(results.OrderBy(r => Array.IndexOf(order, r.Name)).ToArray());
        }
        if (_temporalRatings is not null && !rankingOnly)
            perFold[0] = [.. perFold[0], ServiceRecipe(_temporalRatings, options, rankingOptions, args.Double("temporal", 0, 1, minExclusive: true)!.Value, log)];
        var report = new EvaluationReport(protocol, splits.Length, splits.Sum(s => s.Test.Count) / splits.Length, options, perFold);
        if (json) report.WriteJson(output); else report.WriteTable(output);
        return RecsysCommandLine.Success;
    }

    /// <summary>
    /// The row "service": exactly what a retrain of the service does and records (<see cref="TemporalTraining"/>):
    /// both heads trained before the cut, RMSE/MAE on every holdout rating, and the lists of the source the gate
    /// would pick, judged on holdout users with history with every held-out item relevant.
    /// </summary>
    private static EvaluationResult ServiceRecipe(RatingSet all, TrainingOptions options, RankingOptions ranking, double fraction, TextWriter log)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = TemporalTraining.Run(all, options, ranking, fraction);
        var report = result.Report;
        log.WriteLine(FormattableString.Invariant(
            $"  service      RMSE {report.Rmse:F4} (biases {report.BaselineRmse:F4}; users with history {report.WarmRmse:F4} vs {report.WarmBaselineRmse:F4} on {report.WarmRatings} ratings); ") +
            FormattableString.Invariant(
            $"lists on {report.ListUsers} users with history: ranking head {report.RankingHead?.Ndcg:F4}, rating head {report.RatingHead?.Ndcg:F4}, popularity {report.Popularity?.Ndcg:F4} -> {report.ListSource}; {clock.Elapsed.TotalSeconds:F2} s"));
        return new EvaluationResult("service", report.Rmse, report.Mae, report.ChosenLists ?? default, clock.Elapsed.TotalSeconds);
    }

    /// <summary>A rating head of μ alone, for --ranking-only (no rating model trained).</summary>
    private static FactorModel MeanOnly(RatingSet train, TrainingOptions options) =>
        new(train.Users, train.Items, 0, (float)train.Mean(), new float[train.UserCount], new float[train.ItemCount], [], [], options.Scale);

    private static EvaluationResult? Run(string name, Func<IRatingPredictor> fit, RatingSet train, RatingSet test, EvaluationOptions evaluation, TextWriter log)
    {
        var clock = Stopwatch.StartNew();
        IRatingPredictor predictor;
        try
        {
            predictor = fit();
        }
        catch (InvalidOperationException e) when (name == "svd")
        {
            log.WriteLine($"  svd skipped: {e.Message}");
            return null;
        }
        var seconds = clock.Elapsed.TotalSeconds;
        var result = Evaluation.Evaluate(predictor, train, test, evaluation, seconds);
        log.WriteLine($"  {name,-12} RMSE {result.Rmse:F4}  fitted in {seconds:F2} s, evaluated in {clock.Elapsed.TotalSeconds - seconds:F2} s");
        return result;
    }

    private (string Protocol, DataSplit[] Splits) Splits(CommandArguments args, uint seed)
    {
        var modes = new[] { "kfold", "temporal", "holdout", "per-user" }.Where(args.Has).ToArray();
        if (args.Has("train") || args.Has("test"))
        {
            if (args.Has("ratings") || modes.Length > 0) throw new UsageException("--train/--test cannot be combined with --ratings, --kfold, --temporal, --holdout or --per-user", Name);
            var trainPath = args.Required("train");
            var testPath = args.Required("test");
            var train = RatingFileReader.Read(trainPath);
            var test = RatingFileReader.Read(testPath, new RatingFileReadOptions { Users = train.Users, Items = train.Items });
            // The test file may add ids; the training part is re-based on the extended maps (indices unchanged).
            train = new RatingSet(test.Users, test.Items, train.User, train.Item, train.Value, train.Time);
            return ($"train {trainPath} ({train.Count}) / test {testPath} ({test.Count})", [new DataSplit(train, test)]);
        }
        var path = args.Required("ratings");
        if (modes.Length != 1) throw new UsageException("give exactly one of --kfold K, --temporal F, --holdout F, --per-user F (or --train and --test)", Name);
        var kfold = args.Int("kfold", 2, 100);
        var temporal = args.Double("temporal", 0, 1, minExclusive: true);
        var holdout = args.Double("holdout", 0, 1, minExclusive: true);
        var perUser = args.Double("per-user", 0, 1, minExclusive: true);
        if (temporal is 1 || holdout is 1 || perUser is 1) throw new UsageException("the test fraction must be below 1", Name);
        var ratings = RatingFileReader.Read(path);
        if (ratings.Count < 10) throw new RatingFileException(path, 0, $"only {ratings.Count} ratings; need at least 10 to evaluate");
        if (kfold is { } k) return ($"{k}-fold CV of {path} ({ratings.Count} ratings, seed {seed})", KFoldSplit.Split(ratings, k, seed));
        if (perUser is { } f) return ($"per-user split of {path} ({f:P0} of each user's ratings as test, numpy seed {seed}; every test item relevant)", [PerUserSplit.Split(ratings, f, seed)]);
        if (temporal is { } t)
        {
            _temporalRatings = ratings;
            return ($"temporal split of {path} (newest {t:P0} as test)", [TemporalSplit.Split(ratings, t)]);
        }
        return ($"random holdout of {path} ({holdout:P0} as test, numpy seed {seed})", [RandomSplit.Holdout(ratings, holdout!.Value, seed)]);
    }
}
