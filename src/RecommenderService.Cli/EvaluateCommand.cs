using System.Diagnostics;
using RecommenderService.Engine;

namespace RecommenderService.Cli;

/// <summary><c>recsys evaluate</c>: the model and every baseline on one split protocol, as a table or JSON.</summary>
internal sealed class EvaluateCommand : ICommand
{
    public string Name => "evaluate";
    public string Summary => "compare the model's two heads with the baselines (RMSE, MAE, P/R/NDCG@10)";
    public string Usage => "Usage: recsys evaluate (--train FILE --test FILE | --ratings FILE (--kfold K | --temporal F | --holdout F | --per-user F | --newcomers F))\n"
        + "                      [--json] [--svd-rank R] [--max-rank-users N] [--ranking-only] [--inner F [--inner-seed S]]\n"
        + "       recsys evaluate --ratings FILE --cold-items F --item-attributes FILE [flags]\n"
        + "       recsys evaluate --ratings FILE --cold-users F --user-attributes FILE [--item-attributes FILE]\n"
        + "                      [--prior-regularization L[,L...]] [--user-map-regularization L[,L...]] [--weight-users-by-ratings] [flags]\n"
        + "                      [--liked-threshold T] [--disliked-threshold T] [--list-sharpness B] [--list-threshold T] [flags]\n\n"
        + "Protocols: --train/--test two files; --kfold K shuffled K-fold CV (mean and std over folds, numpy\n"
        + "RandomState(seed) as scikit-learn's KFold); --temporal F newest fraction F as test; --holdout F random\n"
        + "fraction F as test (test = first ceil(n*F) of numpy RandomState(seed).permutation(n)); --per-user F\n"
        + "round(n_u*F) of each user's n_u ratings as test (at most n_u-1; numpy RandomState(seed) shuffles each user's\n"
        + "rows in user order), rows: popularity, mf, ranking-head, ranking, and the similar-items hit rate.\n"
        + "--inner F: for choosing settings without the test part: after the split, the test part is dropped and\n"
        + "the training part split again per user (F of each user's training ratings as test, --inner-seed, default 7);\n"
        + "the test part's items are left out of lists like rated items (found, they would count as misses).\n"
        + "--cold-items F: item cold start; ceil(items*F) items (numpy RandomState(seed).permutation) held out with all\n"
        + "their ratings, mf and the ranking head trained on the rest, the held-out items given vectors from their\n"
        + "attributes (--item-attributes: 'item TAB attr|attr' lines or MovieLens u.item genres; ridge regression\n"
        + "from attribute indicators to item vectors): RMSE of their ratings against the user's mean and mu + b_u, and\n"
        + "lists of held-out items only (list score with derived vectors, derived bias alone, chance).\n"
        + "--cold-users F: user cold start; ceil(users*F) users (numpy RandomState(seed).permutation) held out with all\n"
        + "their ratings, both heads trained on the rest, the user attribute map fitted on the trained users' profiles\n"
        + "(--user-attributes: MovieLens u.user 'id|age|gender|occupation|zip' or 'user TAB {json}' lines, tokenised as the\n"
        + "service does), its rating-head columns at the lambda the service's training chooses (validated on the ratings\n"
        + "after the temporal cut of the training users), or every column at each --user-map-regularization L (a profile\n"
        + "row each; the first serves the other rows).\n"
        + "Each held-out user's first 5 ratings by time are onboarding, the rest judge every row: RMSE\n"
        + "and P@10 / liked P@10 (top 10 without the picks) from the profile alone and with 1, 3, 5 of the onboarding\n"
        + "ratings as picks (plain fold-in; fold-in with the profile as prior, --prior-regularization L, default "
        + $"{Engine.ColdUsers.DefaultPriorRegularization:G3}),\n"
        + "against mu + b_i, the per-group mean and group item mean (users with the same profile values, zip left out)\n"
        + "and the popular lists. With --item-attributes also profile + likes: the up to 2 attributes most common among\n"
        + "the onboarding items the user rated liked, as stated onboarding likes read through the item attribute map.\n"
        + "Defaults depend on the number of training ratings as in the service and recsys train (from 1,000,000\n"
        + "on: adaptive steps, k = 64, patience 2, warm refit, 5 ranking iterations; the service row: of all ratings).\n"
        + "Rows: mf (the model: given flags or defaults), mf-no-bias (same, without biases), biases (damped\n"
        + "closed form), global-mean, svd (rank-R truncated SVD of the user-mean-imputed dense matrix, default\n"
        + "R=20; skipped over 1 GiB), ranking (the rating head of mf for RMSE/MAE + the service's lists: the implicit-ALS\n"
        + "ranking head weighted by mf's predicted rating, ListScore; seconds = ranking head only), ranking-head (the same\n"
        + "ranking head alone), popularity (most-rated items; damped mean for RMSE).\n"
        + "List score: ranking score s times g = sigmoid(B (predicted - T)) (s / g when s < 0), B = --list-sharpness per\n"
        + $"star of 1-5 (default {ListScore.Default.Sharpness:G3}, 0 = ranking head alone), T = --list-threshold on 1-5 (default {ListScore.Default.Threshold:G3}).\n"
        + "--ranking-only skips the rating models (ranking's RMSE is then the global mean's).\n"
        + "With --temporal, the row service is the service's own retrain recipe on the same cut: both heads, RMSE on\n"
        + "every held-out rating, lists of the source its quality gate picks (ranking head, rating head or popularity),\n"
        + "judged on held-out users with history, every held-out item relevant; the popular list it would serve instead\n"
        + "is the service's damped mean, --popularity-prior-count C (default 10) and --popularity-window-days N (default 0 =\n"
        + "all time), as the service's Popularity settings, or the newcomer list (below).\n"
        + "Newcomer lists: the popular list newcomers get is chosen among most-rated, damped-mean, recent-most-rated (ratings\n"
        + "in the last --popularity-recent-days N UTC days, default 30), liked-count (ratings >= the liked threshold),\n"
        + "liked-boosted (ratings + half the liked ones), liked-lower-bound (Wilson 95 % lower bound of the liked share) and trending (each rating worth\n"
        + "2^(-age in days / --popularity-half-life-days H), default 7), made at the newest training rating, judged on the\n"
        + "held-out users with no training rating: of the lists within 2 % of the best P@10, the highest liked P@10 wins,\n"
        + "then P@10; --newcomer-list NAME pins the list served instead.\n"
        + "--newcomers F: every rating of ceil(users*F) users (numpy RandomState(seed).permutation of the users) held out,\n"
        + "lists made from the rest; reports every newcomer list on them and the winner (no model: none knows them).\n"
        + "With --temporal, the service row reports the same judging on the newcomers of its holdout.\n"
        + "Lists: top 10 without the user's training items, for at most N users with test and training ratings (default\n"
        + "10000, 0 = all; users new in the test set are left out: no model knows them, the service lists popularity),\n"
        + "judged two ways: P@10 R@10 NDCG@10 with every held-out item relevant (the service's protocol), and liked\n"
        + "P/R/NDCG@10 with held-out ratings >= --liked-threshold relevant (default 4 on 1-5, scaled to --scale; users\n"
        + "without liked items skipped); disliked@10 = share of the 10 listed items the user rated <= --disliked-threshold\n"
        + "(default 2 on 1-5, scaled). seconds = fitting time. --seed also seeds the split (default 42).\n"
        + "--rating-head-sees-test F: a diagnostic, not a model: adds the row ranking-seen, the ranking row's lists with\n"
        + "the rating head (g) trained on the training part plus F of the test ratings (numpy RandomState(seed)), to\n"
        + "measure how good a rating head would have to be for a liked/disliked goal; its RMSE is not a test RMSE.\n\nFlags:\n" + TrainingFlags.Help + RankingFlags.Help;
    public IReadOnlySet<string> ValueFlags { get; } = new HashSet<string>(
        ["train", "test", "ratings", "kfold", "temporal", "holdout", "per-user", "svd-rank", "max-rank-users", "liked-threshold", "disliked-threshold", "cold-items", "item-attributes", "cold-users", "user-attributes", "prior-regularization", "user-map-regularization", "list-sharpness", "list-threshold", "inner", "inner-seed", "rating-head-sees-test", "popularity-prior-count", "popularity-window-days", "popularity-recent-days", "popularity-half-life-days", "newcomer-list", "newcomers", .. TrainingFlags.Names, .. RankingFlags.Names]);
    public IReadOnlySet<string> Switches { get; } = new HashSet<string> { "json", "ranking-only", "weight-users-by-ratings" };

    public int Execute(CommandArguments args, TextWriter output)
    {
        var options = TrainingFlags.Apply(args, Name);
        var seed = (uint)(args.Int("seed") ?? 42);
        var svdRank = args.Int("svd-rank", 1, 1000) ?? 20;
        var rankingOptions = RankingFlags.Apply(args, Name, options.Scale);
        var perUser = args.Has("per-user");
        var rankingOnly = args.Switch("ranking-only");
        var evaluation = new EvaluationOptions
        {
            MaxRankingUsers = args.Int("max-rank-users", 0) ?? 10_000, Seed = seed,
            RelevanceThreshold = null, Scale = options.Scale, UsersWithTrainingOnly = true,
            LikedThreshold = (float?)args.Double("liked-threshold", options.Scale.Min, options.Scale.Max),
            DislikedThreshold = (float?)args.Double("disliked-threshold", options.Scale.Min, options.Scale.Max),
        };
        var listScore = ListScore.Default with
        {
            Sharpness = (float?)args.Double("list-sharpness", 0, 100) ?? ListScore.Default.Sharpness,
            Threshold = (float?)args.Double("list-threshold", 1, 5) ?? ListScore.Default.Threshold,
        };
        var seenFraction = args.Double("rating-head-sees-test", 0, 1);
        if (seenFraction is not null && (rankingOnly || args.Has("kfold")))
            throw new UsageException("--rating-head-sees-test needs the rating head and a single split (not --ranking-only or --kfold)", Name);
        if (seenFraction is not null && listScore.Sharpness == 0)
            throw new UsageException("--rating-head-sees-test measures the rating head's weight in the lists; --list-sharpness 0 gives it none", Name);
        // The service's Popularity settings, for the list the service row's gate would serve instead (read up front so a
        // bad value fails before any training).
        var servedPopularity = PopularityFlags(args);
        var json = args.Switch("json");
        var log = json ? TextWriter.Null : output;
        if (args.Has("newcomers")) return Newcomers(args, servedPopularity, evaluation, seed, output, json);

        if (args.Has("cold-users") || args.Has("user-attributes"))
            return ColdUserProtocol(args, options, evaluation, seed, json ? TextWriter.Null : output, output, json);
        if (args.Has("cold-items") || args.Has("item-attributes"))
            return ColdItems(args, options, rankingOptions, evaluation, listScore, seed, json ? TextWriter.Null : output, output, json);

        var clock = Stopwatch.StartNew();
        // With --temporal, every rating too, for the service's own recipe (TemporalTraining), which splits them itself.
        var (protocol, splits, temporalRatings) = Splits(args, seed);
        // Sized for the training part, as recsys train and the service would train on it.
        var trainCount = splits[0].Train.Count;
        options = SizedDefaults.Training(args, Name, trainCount);
        rankingOptions = SizedDefaults.Ranking(args, Name, options.Scale, trainCount);
        if (args.Double("inner", 0, 1, minExclusive: true) is { } inner)
        {
            // Settings are chosen here, never on the test part: it is dropped, and the training part split again.
            if (inner >= 1) throw new UsageException("the inner test fraction must be below 1", Name);
            if (args.Has("temporal")) throw new UsageException("--inner splits per user; it does not combine with --temporal", Name);
            var innerSeed = (uint)(args.Int("inner-seed") ?? 7);
            if (splits.Length != 1) throw new UsageException("--inner needs a single split (--per-user, --holdout or --train/--test)", Name);
            evaluation = evaluation with { AlsoExcluded = splits[0].Test };
            splits = [PerUserSplit.Split(splits[0].Train, inner, innerSeed)];
            protocol += $", inner per-user split of the training part ({inner:P0} of each user's training ratings as test, numpy seed {innerSeed}; "
                + "the test part is neither trained on nor judged by, its items are left out of lists like rated ones)";
        }
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
                both = (rating ?? MeanOnly(train, options)).WithRanking(RankingFlags.Train(train, rankingOptions, temporalRatings is not null, log)), score: listScore), train, test, evaluation, log)!);
            if (!rankingOnly && listScore.Sharpness != 0)
                results.Add(Run("ranking-head", () => new RankingHeadPredictor(both!, "ranking-head", ListScore.RankingOnly), train, test, evaluation, log)!);
            if (seenFraction is { } seen)
                results.Add(Run("ranking-seen", () => new RankingHeadPredictor(
                    TrainingPolicy.Fit(RatingHeadLeak.TrainingPlusSeenTest(train, test, seen, seed), options).Model.WithRanking(both!.Ranking),
                    "ranking-seen", listScore), train, test, evaluation, log)!);
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
            string[] order = perUser ? ["popularity", "mf", "ranking-head", "ranking", "ranking-seen"] : ["mf", "mf-no-bias", "biases", "global-mean", "svd", "ranking-head", "ranking", "ranking-seen", "popularity"];
            perFold.Add(results.OrderBy(r => Array.IndexOf(order, r.Name)).ToArray());
        }
        if (temporalRatings is not null && !rankingOnly)
            perFold[0] = [.. perFold[0], ServiceRecipe(temporalRatings,
                SizedDefaults.Training(args, Name, temporalRatings.Count),
                SizedDefaults.Ranking(args, Name, options.Scale, temporalRatings.Count),
                args.Double("temporal", 0, 1, minExclusive: true)!.Value,
                new ListJudging(servedPopularity, evaluation.LikedThreshold, evaluation.DislikedThreshold), log)];
        var report = new EvaluationReport(protocol, splits.Length, splits.Sum(s => s.Test.Count) / splits.Length, options, perFold);
        if (json) report.WriteJson(output); else report.WriteTable(output);
        return RecsysCommandLine.Success;
    }

    private int ColdItems(CommandArguments args, TrainingOptions options, RankingOptions rankingOptions, EvaluationOptions evaluation,
        ListScore listScore, uint seed, TextWriter log, TextWriter output, bool json)
    {
        var path = args.Required("ratings");
        var fraction = args.Double("cold-items", 0, 1, minExclusive: true) ?? throw new UsageException("--item-attributes needs --cold-items F", Name);
        if (fraction >= 1) throw new UsageException("the cold-item fraction must be below 1", Name);
        var attributePath = args.Required("item-attributes");
        var ratings = RatingFileReader.Read(path);
        var byId = ItemAttributeFile.Read(attributePath);
        var byIndex = new string[]?[ratings.ItemCount];
        for (var i = 0; i < byIndex.Length; i++) byIndex[i] = byId.GetValueOrDefault(ratings.Items[i]);
        var clock = Stopwatch.StartNew();
        var ((train, test), cold) = ColdItemEvaluation.SplitItems(ratings, fraction, seed);
        (options, rankingOptions) = (SizedDefaults.Training(args, Name, train.Count), SizedDefaults.Ranking(args, Name, options.Scale, train.Count));
        log.WriteLine($"cold items: {cold.Length} of {ratings.ItemCount} items held out with {test.Count} ratings; attributes for {byId.Count} items from {attributePath}; model: {TrainingFlags.Describe(options)}");
        var model = TrainingPolicy.Fit(train, options).Model.WithRanking(new RankingTrainer(rankingOptions).Train(train));
        log.WriteLine($"  trained both heads in {clock.Elapsed.TotalSeconds:F2} s");
        var scores = ColdItemEvaluation.Evaluate(model, train, test, cold, i => byIndex[i], evaluation, listScore);
        if (json)
        {
            output.WriteLine(System.Text.Json.JsonSerializer.Serialize(scores, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            return RecsysCommandLine.Success;
        }
        output.WriteLine();
        output.WriteLine($"item cold start on {path}: {scores.ColdItems} held-out items, {scores.TestRatings} ratings, "
            + $"regression on {scores.FittedItems} trained items x {scores.Attributes} attributes");
        output.WriteLine($"RMSE on held-out items: attributes {scores.Rmse:F4}, user's mean {scores.UserMeanRmse:F4}, mu + b_u {scores.UserBaselineRmse:F4}");
        output.WriteLine($"lists of held-out items only ({scores.Lists.Rated.Users} users):   P@10     NDCG@10  likedP@10  disliked");
        output.WriteLine($"  list score, derived vectors          {scores.Lists.Rated.Precision,8:F4} {scores.Lists.Rated.Ndcg,8:F4} {scores.Lists.Liked.Precision,8:F4} {scores.Lists.Disliked,8:F4}");
        output.WriteLine($"  derived item bias alone              {scores.BiasLists.Rated.Precision,8:F4} {scores.BiasLists.Rated.Ndcg,8:F4} {scores.BiasLists.Liked.Precision,8:F4} {scores.BiasLists.Disliked,8:F4}");
        output.WriteLine($"  chance (random order)                {scores.ChancePrecision,8:F4}          {scores.ChanceLikedPrecision,8:F4}");
        return RecsysCommandLine.Success;
    }

    /// <summary>The service's Popularity settings from the --popularity-* flags and --newcomer-list.</summary>
    private PopularitySettings PopularityFlags(CommandArguments args)
    {
        PopularityList? pinned = null;
        if (args.String("newcomer-list") is { } name)
            pinned = PopularityLists.TryParse(name, out var list) ? list
                : throw new UsageException($"--newcomer-list must be one of {string.Join(", ", PopularityLists.Names)} (got '{name}')", Name);
        return new PopularitySettings(args.Double("popularity-prior-count", 0, 1_000_000) ?? PopularityPredictor.DefaultPriorCount,
            args.Int("popularity-window-days", 0, PopularitySettings.TrendingDays) ?? 0,
            args.Int("popularity-recent-days", 0, PopularitySettings.TrendingDays) ?? PopularitySettings.DefaultRecentDays,
            args.Double("popularity-half-life-days", 0, 10_000, minExclusive: true) ?? PopularitySettings.DefaultHalfLifeDays, pinned);
    }

    /// <summary>
    /// --newcomers F: whole users held out, every popularity list made from the rest and judged on them, as each training
    /// judges them on the newcomers of its holdout (<see cref="NewcomerJudging"/>).
    /// </summary>
    private int Newcomers(CommandArguments args, PopularitySettings popularity, EvaluationOptions evaluation, uint seed, TextWriter output, bool json)
    {
        var fraction = args.Double("newcomers", 0, 1, minExclusive: true)!.Value;
        if (fraction >= 1) throw new UsageException("the newcomer fraction must be below 1", Name);
        if (new[] { "kfold", "temporal", "holdout", "per-user", "train", "test" }.Any(args.Has))
            throw new UsageException("--newcomers is a protocol of its own; it does not combine with --kfold, --temporal, --holdout, --per-user or --train/--test", Name);
        var path = args.Required("ratings");
        var ratings = RatingFileReader.Read(path);
        if (ratings.Count < 10) throw new RatingFileException(path, 0, $"only {ratings.Count} ratings; need at least 10 to evaluate");
        var scale = TrainingFlags.Apply(args, Name).Scale;
        var clock = Stopwatch.StartNew();
        var (train, test) = UserHoldoutSplit.Split(ratings, fraction, seed);
        var now = train.HasTimes && train.Count > 0 ? train.Time.Max() : 0;
        var counts = PopularityCounts.Of(train, popularity, evaluation.EffectiveLikedThreshold, now);
        var report = NewcomerJudging.Judge(counts, train, test, popularity, evaluation, scale);
        if (json)
        {
            output.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
            {
                protocol = "newcomers", path, userFraction = fraction, seed, heldOutRatings = test.Count, trainRatings = train.Count,
                winner = PopularityLists.Name(report.Winner), served = PopularityLists.Name(report.Served), judgedOn = report.JudgedOn.ToString(),
                users = report.Users, likedThreshold = evaluation.EffectiveLikedThreshold,
                candidates = report.Candidates.Select(c => new
                {
                    list = PopularityLists.Name(c.List), precision = c.Scores.Rated.Precision, recall = c.Scores.Rated.Recall, ndcg = c.Scores.Rated.Ndcg,
                    likedPrecision = c.Scores.Liked.Precision, likedUsers = c.Scores.Liked.Users, disliked = c.Scores.Disliked,
                }),
            }, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            return RecsysCommandLine.Success;
        }
        var held = test.Count == 0 ? 0 : test.User.Distinct().Count();
        output.WriteLine(FormattableString.Invariant(
            $"newcomers: every rating of {held} of {ratings.UserCount} users of {path} held out ({fraction:P0}, numpy seed {seed}): {test.Count} ratings; ") +
            FormattableString.Invariant($"lists made from {train.Count} ratings at {DateTimeOffset.FromUnixTimeSeconds(now):yyyy-MM-dd}; {clock.Elapsed.TotalSeconds:F2} s"));
        WriteNewcomerLists(report, output);
        return RecsysCommandLine.Success;
    }

    /// <summary>Every newcomer list's figures and the winner, as a table.</summary>
    private static void WriteNewcomerLists(NewcomerListReport report, TextWriter output)
    {
        var liked = report.Candidates.Count > 0 ? report.Candidates[0].Scores.LikedThreshold : 0;
        output.WriteLine(FormattableString.Invariant($"  newcomer lists on {report.Users} users ({report.JudgedOn}; liked >= {liked:G3}):"));
        output.WriteLine("    list                   P@10     R@10  NDCG@10  likedP@10  disliked@10");
        foreach (var (list, scores) in report.Candidates)
            output.WriteLine(FormattableString.Invariant(
                $"    {PopularityLists.Name(list),-20} {scores.Rated.Precision,6:F4} {scores.Rated.Recall,8:F4} {scores.Rated.Ndcg,8:F4} {scores.Liked.Precision,10:F4} {scores.Disliked,12:F4}"));
        output.WriteLine($"    -> winner {PopularityLists.Name(report.Winner)}"
            + (report.Pinned ? $"; served {PopularityLists.Name(report.Served)} (pinned)" : ""));
    }

    private int ColdUserProtocol(CommandArguments args, TrainingOptions options, EvaluationOptions evaluation, uint seed, TextWriter log,
        TextWriter output, bool json)
    {
        var path = args.Required("ratings");
        var fraction = args.Double("cold-users", 0, 1, minExclusive: true) ?? throw new UsageException("--user-attributes needs --cold-users F", Name);
        if (fraction >= 1) throw new UsageException("the cold-user fraction must be below 1", Name);
        var userPath = args.Required("user-attributes");
        var coldOptions = new ColdUserOptions
        {
            Evaluation = evaluation,
            PriorRegularizations = args.DoubleList("prior-regularization", 0, 1e6, minExclusive: true)?.Select(l => (float)l).ToArray()
                ?? [Engine.ColdUsers.DefaultPriorRegularization],
            UserMapRegularizations = args.DoubleList("user-map-regularization", 0, 1e6, minExclusive: true)?.Select(l => (float)l).ToArray()
                ?? [AttributeFactors.DefaultUserRegularization],
            WeightUsersByRatings = args.Switch("weight-users-by-ratings"),
            FoldInRegularization = options.Regularization,
        };
        var ratings = RatingFileReader.Read(path);
        var profiles = UserAttributeFile.Read(userPath);
        var profileByIndex = new string[]?[ratings.UserCount];
        for (var u = 0; u < profileByIndex.Length; u++) profileByIndex[u] = profiles.GetValueOrDefault(ratings.Users[u])?.Profile;
        Func<int, IReadOnlyCollection<string>?>? itemAttributes = null;
        if (args.String("item-attributes") is { } itemPath)
        {
            var byId = ItemAttributeFile.Read(itemPath);
            var byIndex = new string[]?[ratings.ItemCount];
            for (var i = 0; i < byIndex.Length; i++) byIndex[i] = byId.GetValueOrDefault(ratings.Items[i]) is { Length: > 0 } a ? a : null;
            itemAttributes = i => byIndex[i];
        }
        var clock = Stopwatch.StartNew();
        var ((train, test), cold) = ColdUserEvaluation.SplitUsers(ratings, fraction, seed);
        var (training, ranking) = (SizedDefaults.Training(args, Name, train.Count), SizedDefaults.Ranking(args, Name, options.Scale, train.Count));
        log.WriteLine($"cold users: {cold.Length} of {ratings.UserCount} users held out with {test.Count} ratings; profiles for {profiles.Count} users from {userPath}; model: {TrainingFlags.Describe(training)}");
        var model = TrainingPolicy.Fit(train, training).Model.WithRanking(new RankingTrainer(ranking).Train(train));
        log.WriteLine($"  trained both heads in {clock.Elapsed.TotalSeconds:F2} s");
        // Unless fixed λs are asked for, the user map's λ is chosen as the service's training chooses it.
        UserMapPenaltyChoice? choice = null;
        if (!args.Has("user-map-regularization"))
        {
            clock.Restart();
            choice = UserMapPenalty.ChooseFor(train, training, ServiceHoldoutFraction, u => profileByIndex[u]);
            coldOptions = coldOptions with
            {
                UserMapRegularizations = [choice.Regularization], UserMapRankingRegularization = AttributeFactors.DefaultUserRegularization,
            };
            log.WriteLine($"  user map lambda chosen in {clock.Elapsed.TotalSeconds:F2} s");
        }
        var scores = ColdUserEvaluation.Evaluate(model, train, test, cold, u => profileByIndex[u], itemAttributes, coldOptions);
        if (json)
        {
            output.WriteLine(System.Text.Json.JsonSerializer.Serialize(scores, new System.Text.Json.JsonSerializerOptions
            {
                WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
            }));
            return RecsysCommandLine.Success;
        }
        output.WriteLine();
        output.WriteLine($"user cold start on {path}: {scores.JudgedUsers} of {scores.ColdUsers} held-out users judged on {scores.JudgedRatings} ratings "
            + $"after their first {coldOptions.MaxPicks}; user map on {scores.FittedUsers} trained users x {scores.ProfileTokens} profile tokens "
            + $"({scores.WithProfile} held-out users with a known token{(itemAttributes is null ? "" : $", {scores.WithLikes} with usable likes")}); "
            + $"prior lambda {string.Join(", ", coldOptions.PriorRegularizations)}, user map lambda {UserMapLambda(coldOptions, choice)}");
        output.WriteLine("picks  row                        RMSE     P@10   likedP@10");
        foreach (var row in scores.Rows)
            output.WriteLine($"{row.Picks,5}  {row.Name,-24} {Cell(row.Rmse)} {Cell(row.Precision)} {Cell(row.LikedPrecision)}");
        return RecsysCommandLine.Success;

        static string Cell(double value) => double.IsNaN(value) ? "       -" : $"{value,8:F4}";
    }

    /// <summary>The service's default share of the newest ratings held out by training (<c>Training:HoldoutFraction</c>).</summary>
    private const double ServiceHoldoutFraction = 0.1;

    /// <summary>The user map's λ as given, or as the validation chose it with each λ's validation RMSE.</summary>
    private static string UserMapLambda(ColdUserOptions options, UserMapPenaltyChoice? choice) =>
        choice is null ? string.Join(", ", options.UserMapRegularizations)
            : FormattableString.Invariant($"{choice.Regularization:G4} chosen on {choice.ValidationUsers} users' {choice.ValidationRatings} ratings after the training's temporal cut (RMSE, standard errors above the best: ")
              + string.Join(", ", choice.Steps.Select(s => FormattableString.Invariant($"{s.Regularization:G4}: {s.Rmse:F4} z {s.Excess:F1}")))
              + FormattableString.Invariant($"; mu + b_i {choice.BaselineRmse:F4}), ranking columns {AttributeFactors.DefaultUserRegularization:G4}");

    /// <summary>
    /// The row "service": exactly what a retrain of the service does and records (<see cref="TemporalTraining"/>):
    /// both heads trained before the cut, RMSE/MAE on every holdout rating, and the lists of the source the gate
    /// would pick, judged on holdout users with history with every held-out item relevant.
    /// </summary>
    private static EvaluationResult ServiceRecipe(RatingSet all, TrainingOptions options, RankingOptions ranking, double fraction,
        ListJudging judging, TextWriter log)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = TemporalTraining.Run(all, options, ranking, fraction, judging: judging);
        var report = result.Report;
        if (result.RankingSearch is { } search) log.WriteLine($"  service      {RankingFlags.Describe(search)}");
        if (report.NewcomerLists is { } newcomers) WriteNewcomerLists(newcomers, log);
        log.WriteLine(FormattableString.Invariant(
            $"  service      RMSE {report.Rmse:F4} (biases {report.BaselineRmse:F4}; users with history {report.WarmRmse:F4} vs {report.WarmBaselineRmse:F4} on {report.WarmRatings} ratings); ") +
            FormattableString.Invariant(
            $"lists on {report.ListUsers} users with history: ranking head {report.RankingHead?.Ndcg:F4} (alone {report.RankingHeadOnlyLists?.Rated.Ndcg:F4}), rating head {report.RatingHead?.Ndcg:F4}, popularity as served {report.ServedPopularityLists?.Rated.Ndcg:F4} (most rated {report.MostRated?.Ndcg:F4}) -> {report.ListSource}; {clock.Elapsed.TotalSeconds:F2} s"));
        return new EvaluationResult("service", report.Rmse, report.Mae, report.ChosenLists ?? default, clock.Elapsed.TotalSeconds)
        {
            Lists = report.ChosenListScores ?? default,
        };
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

    private (string Protocol, DataSplit[] Splits, RatingSet? TemporalRatings) Splits(CommandArguments args, uint seed)
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
            return ($"train {trainPath} ({train.Count}) / test {testPath} ({test.Count})", [new DataSplit(train, test)], null);
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
        if (kfold is { } k) return ($"{k}-fold CV of {path} ({ratings.Count} ratings, seed {seed})", KFoldSplit.Split(ratings, k, seed), null);
        if (perUser is { } f) return ($"per-user split of {path} ({f:P0} of each user's ratings as test, numpy seed {seed}; every test item relevant)", [PerUserSplit.Split(ratings, f, seed)], null);
        if (temporal is { } t)
        {
            return ($"temporal split of {path} (newest {t:P0} as test)", [TemporalSplit.Split(ratings, t)], ratings);
        }
        return ($"random holdout of {path} ({holdout:P0} as test, numpy seed {seed})", [RandomSplit.Holdout(ratings, holdout!.Value, seed)], null);
    }
}
