namespace RecommenderService.Engine;

/// <summary>
/// The user cold-start protocol: a fraction of the users is held out entirely (every rating of theirs goes to the test
/// set), both heads are trained on the rest and the user attribute map (<see cref="AttributeFactors.FitUsers"/>) is
/// fitted on the trained users' profiles. Each held-out user's first <see cref="ColdUserOptions.MaxPicks"/> ratings (by
/// time) are their onboarding: none, 1, 3 or 5 of them are given as picks, and the rest of their ratings judge every
/// row alike, so the columns compare on one set of ratings and lists.
/// </summary>
/// <remarks>
/// Rows: <c>mu + b_i</c> (the damped bias baseline without a user bias: what the service predicts for a stranger),
/// <c>group mean</c> (the mean training rating of users with the same profile values, codes left out) and
/// <c>group item mean</c> (the item's mean among them, damped toward μ + b_i), the popular lists (most rated and the
/// service's damped mean), <c>profile</c> (the map's vectors, no ratings), <c>picks</c> (plain fold-in of the picks, as the
/// service folds in a new user, λ = the training penalty × picks), <c>picks + profile</c> (the same picks folded in from
/// the profile as the prior, <see cref="ColdUsers"/>) and, given item attributes, <c>profile + likes</c>: the user's
/// stated genres (up to <see cref="ColdUserOptions.Likes"/> most frequent attributes of the picks they rated liked) read
/// through the item map.
/// </remarks>
public static class ColdUserEvaluation
{
    /// <summary>Holds out ⌈users·fraction⌉ users drawn by numpy RandomState(seed).permutation (the first ones).</summary>
    public static (DataSplit Split, int[] ColdUsers) SplitUsers(RatingSet ratings, double fraction, uint seed = 42)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        if (!(fraction > 0 && fraction < 1)) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The fraction must be in (0, 1).");
        var permutation = new NumpyRandomState(seed).Permutation(ratings.UserCount);
        var cold = permutation[..RandomSplit.TestCount(ratings.UserCount, fraction)];
        Array.Sort(cold);
        var isCold = new bool[ratings.UserCount];
        foreach (var u in cold) isCold[u] = true;
        var train = new List<int>();
        var test = new List<int>();
        for (var r = 0; r < ratings.Count; r++) (isCold[ratings.User[r]] ? test : train).Add(r);
        return (new DataSplit(ratings.Subset(train.ToArray()), ratings.Subset(test.ToArray())), cold);
    }

    /// <summary>
    /// Scores the held-out users of <paramref name="model"/> (both heads, trained on <paramref name="train"/>, indexed like
    /// it). <paramref name="profileOf"/> gives a user's profile tokens (by index, null = none); <paramref name="itemAttributesOf"/>,
    /// when given, an item's attribute tokens, for the likes row and the item map it needs.
    /// </summary>
    public static ColdUserScores Evaluate(FactorModel model, RatingSet train, RatingSet test, int[] coldUsers,
        Func<int, IReadOnlyCollection<string>?> profileOf, Func<int, IReadOnlyCollection<string>?>? itemAttributesOf = null,
        ColdUserOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(profileOf);
        options ??= new ColdUserOptions();
        if (model.Ranking is null) throw new ArgumentException("The protocol judges the service's lists, which need the ranking head.", nameof(model));
        var userCounts = new int[model.Users.Count];
        foreach (var u in train.User) userCounts[u]++;
        var itemCounts = new int[model.Items.Count];
        foreach (var i in train.Item) itemCounts[i]++;
        var maps = options.UserMapRegularizations.Select(lambda => AttributeFactors.FitUsers(model, profileOf, u => userCounts[u] > 0, lambda,
            options.WeightUsersByRatings ? u => userCounts[u] : null, options.UserMapRankingRegularization)).ToArray();
        var userMap = maps[0];
        model = model.WithUserAttributeMap(userMap);
        if (itemAttributesOf is not null)
            model = model.WithAttributeMap(AttributeFactors.Fit(model, itemAttributesOf, i => itemCounts[i] > 0, weightOf: i => itemCounts[i]))
                .WithUserAttributeMap(userMap);

        var scale = model.Scale;
        var baseline = BiasBaseline.Fit(train, scale);
        var mostRated = PopularityPredictor.Fit(train, scale);
        var dampedMean = PopularityPredictor.Fit(train, scale, PopularityList.DampedMean);
        var groups = new GroupMeans(train, profileOf, scale, options.GroupItemPriorCount, baseline);
        var liked = options.Evaluation.EffectiveLikedThreshold;
        var k = options.Evaluation.K;

        // Each held-out user's ratings in time order: the first MaxPicks are onboarding, the rest judge.
        var byUser = new Dictionary<int, List<int>>();
        for (var r = 0; r < test.Count; r++)
        {
            if (!byUser.TryGetValue(test.User[r], out var rows)) byUser[test.User[r]] = rows = [];
            rows.Add(r);
        }
        var rowsByName = new Dictionary<string, RowAccumulator>();
        RowAccumulator Row(string name, int picks) =>
            rowsByName.TryGetValue($"{picks}|{name}", out var row) ? row : rowsByName[$"{picks}|{name}"] = new RowAccumulator(name, picks);
        var judgedUsers = 0;
        var judgedRatings = 0;
        var withProfile = 0;
        var withLikes = 0;
        var scores = new float[model.Items.Count];
        foreach (var u in coldUsers)
        {
            if (!byUser.TryGetValue(u, out var rows) || rows.Count <= options.MaxPicks) continue;
            rows.Sort((a, b) => test.HasTimes && test.Time[a] != test.Time[b] ? test.Time[a].CompareTo(test.Time[b]) : a.CompareTo(b));
            var onboarding = rows.Take(options.MaxPicks).ToArray();
            var judged = rows.Skip(options.MaxPicks).ToArray();
            var relevant = judged.Select(r => test.Item[r]).ToHashSet();
            var likedItems = judged.Where(r => test.Value[r] >= liked).Select(r => test.Item[r]).ToHashSet();
            var profile = profileOf(u) ?? [];
            var prior = ColdUsers.FromProfile(model, profile);
            judgedUsers++;
            judgedRatings += judged.Length;
            if (prior is not null) withProfile++;

            void Judge(RowAccumulator row, Func<int, float>? predict, Action<Span<float>>? score, int[] excluded)
            {
                if (predict is not null)
                    foreach (var r in judged)
                    {
                        var e = predict(test.Item[r]) - test.Value[r];
                        row.SquaredError += e * e;
                        row.Ratings++;
                    }
                if (score is null) return;
                score(scores);
                var top = Array.ConvertAll(TopK.Of(scores, k, excluded), s => s.Item);
                row.Precision += RankingMetrics.PrecisionAtK(top, relevant, k);
                row.ListUsers++;
                if (likedItems.Count > 0)
                {
                    row.LikedPrecision += RankingMetrics.PrecisionAtK(top, likedItems, k);
                    row.LikedUsers++;
                }
            }

            void ByVectors(Span<float> s, UserVectors v) => ListScore.Default.ScoreItems(model, v.Factors, v.Bias, v.RankingFactors, s);
            float Predict(UserVectors v, int item) => scale.Clamp(model.Score(v.Factors, v.Bias, item));

            foreach (var picks in options.Picks)
            {
                var given = onboarding.Take(picks).ToArray();
                var items = given.Select(r => test.Item[r]).ToArray();
                var values = given.Select(r => test.Value[r]).ToArray();
                Judge(Row("mu + b_i", picks), i => baseline.Predict(u, i), null, items);
                Judge(Row("group mean", picks), _ => groups.UserMean(profile), null, items);
                Judge(Row("group item mean", picks), i => groups.ItemMean(profile, i), null, items);
                Judge(Row("popular (most rated)", picks), null, s => mostRated.ScoreItems(u, s), items);
                Judge(Row("popular (damped mean)", picks), null, s => dampedMean.ScoreItems(u, s), items);
                if (picks == 0)
                {
                    for (var m = 0; m < maps.Length; m++)
                    {
                        var name = maps.Length == 1 ? "profile" : $"profile m={options.UserMapRegularizations[m]:G3}";
                        var v = ColdUsers.FromProfile(model.WithUserAttributeMap(maps[m]), profile);
                        if (v is { } p) Judge(Row(name, 0), i => Predict(p, i), s => ByVectors(s, p), items);
                        else Judge(Row(name, 0), i => baseline.Predict(u, i), s => dampedMean.ScoreItems(u, s), items);
                    }
                    if (itemAttributesOf is not null)
                    {
                        var likes = StatedLikes(onboarding, test, liked, itemAttributesOf, options.Likes);
                        var tokens = new ProfileTokens(profile.ToArray(), likes);
                        if (ColdUsers.UsableLikes(model, likes) > 0) withLikes++;
                        var v = ColdUsers.Solve(model, tokens, [], [], options.PriorRegularizations[0]);
                        if (v is not null) Judge(Row("profile + likes", 0), i => Predict(v, i), s => ByVectors(s, v), items);
                        else Judge(Row("profile + likes", 0), i => baseline.Predict(u, i), s => dampedMean.ScoreItems(u, s), items);
                    }
                    continue;
                }
                var plain = ColdUsers.Solve(model, ProfileTokens.None, items, values, options.FoldInRegularization * picks)!;
                Judge(Row("picks", picks), i => Predict(plain, i), s => ByVectors(s, plain), items);
                foreach (var lambda in options.PriorRegularizations)
                {
                    var withPrior = ColdUsers.Solve(model, new ProfileTokens(profile.ToArray(), []), items, values, lambda)!;
                    var name = options.PriorRegularizations.Count == 1 ? "picks + profile" : $"picks + profile l={lambda:G3}";
                    Judge(Row(name, picks), i => Predict(withPrior, i), s => ByVectors(s, withPrior), items);
                }
            }
        }
        var result = rowsByName.Values.OrderBy(r => r.Picks).Select(r => r.ToRow()).ToArray();
        return new ColdUserScores(coldUsers.Length, judgedUsers, judgedRatings, withProfile, withLikes, userMap.Fitted, userMap.Attributes.Count, result);
    }

    /// <summary>
    /// What a user would tick at onboarding, from their first ratings: the <paramref name="count"/> attributes most common
    /// among the onboarding items they rated liked (ties by first appearance).
    /// </summary>
    private static string[] StatedLikes(int[] onboarding, RatingSet test, float liked, Func<int, IReadOnlyCollection<string>?> attributesOf, int count)
    {
        var tally = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var r in onboarding)
        {
            if (test.Value[r] < liked) continue;
            foreach (var a in attributesOf(test.Item[r]) ?? [])
            {
                if (!tally.TryAdd(a, 1)) tally[a]++;
                else order.Add(a);
            }
        }
        return order.OrderByDescending(a => tally[a]).Take(count).ToArray();
    }

    private sealed class RowAccumulator(string name, int picks)
    {
        public string Name => name;
        public int Picks => picks;
        public double SquaredError;
        public int Ratings;
        public double Precision;
        public int ListUsers;
        public double LikedPrecision;
        public int LikedUsers;

        public ColdUserRow ToRow() => new(name, picks, Ratings == 0 ? double.NaN : Math.Sqrt(SquaredError / Ratings),
            ListUsers == 0 ? double.NaN : Precision / ListUsers, LikedUsers == 0 ? double.NaN : LikedPrecision / LikedUsers, ListUsers);
    }

    /// <summary>Per-group baselines: a group is the users with the same profile tokens, postal-code prefixes left out.</summary>
    private sealed class GroupMeans
    {
        private readonly Dictionary<string, (double Sum, int Count)> _users = new(StringComparer.Ordinal);
        private readonly Dictionary<(string, int), (double Sum, int Count)> _items = new();
        private readonly double _mean;
        private readonly double _priorCount;
        private readonly BiasBaseline _baseline;
        private readonly RatingScale _scale;

        public GroupMeans(RatingSet train, Func<int, IReadOnlyCollection<string>?> profileOf, RatingScale scale, double priorCount, BiasBaseline baseline)
        {
            (_mean, _priorCount, _baseline, _scale) = (train.Mean(), priorCount, baseline, scale);
            var keys = new string?[train.UserCount];
            for (var r = 0; r < train.Count; r++)
            {
                var u = train.User[r];
                var key = keys[u] ??= Key(profileOf(u) ?? []);
                var (s, c) = _users.GetValueOrDefault(key);
                _users[key] = (s + train.Value[r], c + 1);
                var (si, ci) = _items.GetValueOrDefault((key, train.Item[r]));
                _items[(key, train.Item[r])] = (si + train.Value[r], ci + 1);
            }
        }

        public float UserMean(IReadOnlyCollection<string> profile) =>
            _users.TryGetValue(Key(profile), out var g) ? (float)(g.Sum / g.Count) : (float)_mean;

        public float ItemMean(IReadOnlyCollection<string> profile, int item)
        {
            // A stranger of the group: μ + b_i from the baseline (its user index past every trained user has b_u = 0).
            var prior = _baseline.Mean + _baseline.ItemBias[item];
            var (sum, count) = _items.GetValueOrDefault((Key(profile), item));
            return _scale.Clamp((float)((sum + _priorCount * prior) / (count + _priorCount)));
        }

        private static string Key(IReadOnlyCollection<string> profile) =>
            string.Join('|', profile.Where(t => !IsCode(t)).Order(StringComparer.Ordinal));

        private static bool IsCode(string token) => token.StartsWith("zip", StringComparison.Ordinal) || token.StartsWith("post", StringComparison.Ordinal);
    }
}

/// <summary>Settings of <see cref="ColdUserEvaluation"/>.</summary>
public sealed record ColdUserOptions
{
    /// <summary>The numbers of onboarding ratings given as picks; 0 = profile alone.</summary>
    public IReadOnlyList<int> Picks { get; init; } = [0, 1, 3, 5];

    /// <summary>The onboarding ratings set aside per user (the largest pick count): the rest judge every row.</summary>
    public int MaxPicks => Picks.Max();

    /// <summary>The plain fold-in's penalty per pick (the service's <c>Serving:FoldInRegularization</c> default).</summary>
    public float FoldInRegularization { get; init; } = new TrainingOptions().Regularization;

    /// <summary>
    /// The rating head's penalty toward the profile, in total (<see cref="ColdUsers.Solve"/>); several give a picks +
    /// profile row each, for choosing it.
    /// </summary>
    public IReadOnlyList<float> PriorRegularizations { get; init; } = [ColdUsers.DefaultPriorRegularization];

    /// <summary>λ of the user map's ridge regression; several give a profile row each (the first serves the other rows).</summary>
    public IReadOnlyList<float> UserMapRegularizations { get; init; } = [AttributeFactors.DefaultUserRegularization];

    /// <summary>λ of the user map's ranking-head columns; null (the default): each map's own λ, as for the rating head.</summary>
    public float? UserMapRankingRegularization { get; init; }

    /// <summary>Weight each trained user by their rating count in the user map (default: alike).</summary>
    public bool WeightUsersByRatings { get; init; }

    /// <summary>C of the group item mean: how many ratings the μ + b_i prior counts as.</summary>
    public double GroupItemPriorCount { get; init; } = 5;

    /// <summary>How many stated likes the likes row gives a user.</summary>
    public int Likes { get; init; } = 2;

    public EvaluationOptions Evaluation { get; init; } = new();
}

/// <summary>One row of <see cref="ColdUserScores"/>: RMSE on the judged ratings (NaN for lists only), any-rated and liked P@K.</summary>
public sealed record ColdUserRow(string Name, int Picks, double Rmse, double Precision, double LikedPrecision, int ListUsers);

/// <summary>
/// Results of <see cref="ColdUserEvaluation"/>: held-out and judged users (those with more ratings than the onboarding),
/// judged ratings, how many had a profile the map knows and likes the item map knows, the map's size, and the rows.
/// </summary>
public sealed record ColdUserScores(int ColdUsers, int JudgedUsers, int JudgedRatings, int WithProfile, int WithLikes, int FittedUsers,
    int ProfileTokens, IReadOnlyList<ColdUserRow> Rows);
