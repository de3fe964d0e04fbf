namespace RecommenderService.Engine;

/// <summary>
/// Measures new-item exposure in a generated world: users and items with planted tastes (an item's vector is its genres'
/// plus a little of its own, so genres, its only attributes, say much but not all about it), new items arriving every
/// day with their genres and no ratings, and simulated users who look at the list they are shown, rate what catches
/// their eye and suits their taste, and nothing else. Each day the service's recipe runs on the ratings so far (both
/// heads, the item attribute map, untrained items appended from their attributes) and every visiting user is shown a
/// top-10 list mixed by <see cref="Exploration"/> at the given share.
/// </summary>
/// <remarks>
/// A new item's days to <see cref="ExplorationSimulationOptions.TargetRatings"/> ratings are counted for the items that
/// arrive early enough to be followed for <see cref="ExplorationSimulationOptions.FollowDays"/> days; one that does not
/// get there within them counts as FollowDays + 1 (so the mean is a lower bound for the slow ones). Liked P@10 is the
/// share of shown items whose planted rating (without noise) is at least 4: what the lists cost the users.
/// </remarks>
public static class ExplorationSimulation
{
    /// <summary>Runs the world once per share, from the same seed.</summary>
    public static IReadOnlyList<ExplorationSimulationResult> Run(ExplorationSimulationOptions options, IReadOnlyList<double> shares,
        Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(shares);
        return shares.Select(s => RunOne(options, s, log)).ToArray();
    }

    private static ExplorationSimulationResult RunOne(ExplorationSimulationOptions o, double share, Action<string>? log)
    {
        var world = new World(o);
        var behaviour = new Random(o.Seed * 31 + 7);
        var ratings = new List<(int User, int Item, float Value)>();
        var rated = new HashSet<(int, int)>();
        var counts = new int[world.ItemCount];
        var firstReached = new int[world.ItemCount];
        Array.Fill(firstReached, -1);

        // History before day 1: every user has rated some of the starting catalogue, chosen to their taste.
        for (var u = 0; u < o.Users; u++)
            for (var n = 0; n < o.InitialRatingsPerUser;)
            {
                var i = behaviour.Next(o.InitialItems);
                if (rated.Contains((u, i)) || behaviour.NextDouble() > world.ChoiceProbability(u, i)) continue;
                Rate(u, i, day: 0);
                n++;
            }

        double likedShown = 0, listsShown = 0, slots = 0, shownNew = 0;
        for (var day = 1; day <= o.Days; day++)
        {
            var available = o.InitialItems + day * o.NewItemsPerDay;
            var model = Train(ratings, world, available, o, day);
            var newItems = new List<int>();
            for (var m = 0; m < model.Items.Count; m++)
            {
                var w = int.Parse(model.Items[m], System.Globalization.CultureInfo.InvariantCulture);
                if (w >= o.InitialItems && day - world.Arrival(w) <= o.MaxAgeDays && counts[w] <= o.MaxRatings) newItems.Add(m);
            }
            var newArray = newItems.ToArray();
            for (var u = 0; u < o.Users; u++)
            {
                if (behaviour.NextDouble() >= o.VisitProbability) continue;
                var userIndex = model.Users.TryGetIndex(World.UserId(u), out var ui) ? ui : -1;
                if (userIndex < 0) continue;
                var excluded = new List<int>();
                foreach (var m in Enumerable.Range(0, model.Items.Count))
                    if (rated.Contains((u, int.Parse(model.Items[m], System.Globalization.CultureInfo.InvariantCulture)))) excluded.Add(m);
                var head = model.Ranking!;
                var ranked = ListScore.Default.Top(model, model.UserVector(userIndex), model.UserBias[userIndex], head.UserVector(userIndex),
                    o.ListLength, excluded.ToArray());
                var seed = Exploration.SeedFor(World.UserId(u), day);
                var wanted = Exploration.CandidateCount(o.ListLength, share, seed);
                var candidates = Exploration.Candidates(model, model.UserVector(userIndex), model.UserBias[userIndex], head.UserVector(userIndex),
                    newArray, excluded.ToArray(), wanted);
                var list = Exploration.Mix(ranked, candidates, o.ListLength, share, seed);
                listsShown++;
                for (var p = 0; p < list.Length; p++)
                {
                    var w = int.Parse(model.Items[list[p].Item], System.Globalization.CultureInfo.InvariantCulture);
                    if (world.Expected(u, w) >= 4) likedShown += 1.0 / o.ListLength;
                    if (list[p].Exploration) slots++;
                    if (w >= o.InitialItems && counts[w] <= o.MaxRatings) shownNew++;
                    // Position bias, then taste: users rate what they look at and like.
                    if (behaviour.NextDouble() < Math.Pow(o.PositionDecay, p) && behaviour.NextDouble() < world.ChoiceProbability(u, w))
                        Rate(u, w, day);
                }
            }
        }

        // Items followed for FollowDays days: those arriving by Days − FollowDays.
        var followed = Enumerable.Range(o.InitialItems, world.ItemCount - o.InitialItems)
            .Where(w => world.Arrival(w) <= o.Days - o.FollowDays).ToArray();
        var days = followed.Select(w => firstReached[w] >= 0 && firstReached[w] - world.Arrival(w) <= o.FollowDays
            ? firstReached[w] - world.Arrival(w) : o.FollowDays + 1).ToArray();
        Array.Sort(days);
        var result = new ExplorationSimulationResult(share, followed.Length,
            days.Length == 0 ? double.NaN : days.Average(),
            days.Length == 0 ? double.NaN : days[days.Length / 2],
            days.Length == 0 ? double.NaN : days.Count(d => d <= o.FollowDays) / (double)days.Length,
            listsShown == 0 ? 0 : likedShown / listsShown,
            listsShown == 0 ? 0 : slots / (listsShown * o.ListLength),
            listsShown == 0 ? 0 : shownNew / (listsShown * o.ListLength),
            ratings.Count);
        log?.Invoke($"share {share:G3}: {result}");
        return result;

        void Rate(int u, int w, int day)
        {
            rated.Add((u, w));
            ratings.Add((u, w, world.Rating(u, w, behaviour)));
            if (++counts[w] == o.TargetRatings && firstReached[w] < 0) firstReached[w] = day;
        }
    }

    /// <summary>The service's daily recipe: both heads on every rating, the item map, untrained items from their attributes.</summary>
    private static FactorModel Train(List<(int User, int Item, float Value)> ratings, World world, int available, ExplorationSimulationOptions o, int day)
    {
        var builder = new RatingSetBuilder(ratings.Count);
        foreach (var (u, w, v) in ratings) builder.Add(World.UserId(u), World.ItemId(w), v);
        var set = builder.Build();
        var model = new SgdTrainer(new TrainingOptions { Factors = o.Factors, Epochs = o.Epochs, Threads = 1, Seed = o.Seed + day })
            .Train(set).Model
            .WithRanking(new RankingTrainer(new RankingOptions { Factors = o.Factors, Iterations = o.RankingIterations, Threads = 1, Seed = o.Seed + day })
                .Train(set));
        var attributes = new Dictionary<string, string[]>(StringComparer.Ordinal);
        for (var w = 0; w < available; w++) attributes[World.ItemId(w)] = world.Attributes(w);
        model = model.WithAttributeMap(AttributeFactors.FitOnRatings(model, set, attributes));
        return ColdItems.Append(model, attributes.Where(a => !model.Items.TryGetIndex(a.Key, out _)));
    }

    /// <summary>The planted truth: tastes, genres, arrival days.</summary>
    private sealed class World
    {
        private readonly ExplorationSimulationOptions _o;
        private readonly double[] _user, _item, _userBias, _itemBias;
        private readonly int[][] _genres;
        private const int Dimensions = 4;

        public World(ExplorationSimulationOptions o)
        {
            _o = o;
            var random = new Random(o.Seed);
            double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            ItemCount = o.InitialItems + o.Days * o.NewItemsPerDay;
            var genreVectors = Enumerable.Range(0, o.Genres * Dimensions).Select(_ => Gaussian() * 0.8).ToArray();
            var genreBias = Enumerable.Range(0, o.Genres).Select(_ => Gaussian() * 0.25).ToArray();
            _user = Enumerable.Range(0, o.Users * Dimensions).Select(_ => Gaussian() * 0.8).ToArray();
            _userBias = Enumerable.Range(0, o.Users).Select(_ => Gaussian() * 0.3).ToArray();
            _item = new double[ItemCount * Dimensions];
            _itemBias = new double[ItemCount];
            _genres = new int[ItemCount][];
            for (var w = 0; w < ItemCount; w++)
            {
                var first = random.Next(o.Genres);
                var second = random.NextDouble() < 0.4 ? random.Next(o.Genres) : first;
                _genres[w] = first == second ? [first] : [first, second];
                for (var f = 0; f < Dimensions; f++)
                    _item[w * Dimensions + f] = _genres[w].Average(g => genreVectors[g * Dimensions + f]) + 0.3 * Gaussian();
                _itemBias[w] = _genres[w].Average(g => genreBias[g]) + 0.25 * Gaussian();
            }
        }

        public int ItemCount { get; }

        public static string UserId(int u) => "u" + u.ToString(System.Globalization.CultureInfo.InvariantCulture);
        public static string ItemId(int w) => w.ToString(System.Globalization.CultureInfo.InvariantCulture);

        public int Arrival(int w) => w < _o.InitialItems ? 0 : 1 + (w - _o.InitialItems) / _o.NewItemsPerDay;

        public string[] Attributes(int w) => Array.ConvertAll(_genres[w], g => "genre:g" + g.ToString(System.Globalization.CultureInfo.InvariantCulture));

        /// <summary>The planted rating without noise.</summary>
        public double Expected(int u, int w)
        {
            double dot = 0;
            for (var f = 0; f < Dimensions; f++) dot += _user[u * Dimensions + f] * _item[w * Dimensions + f];
            return 3.4 + _userBias[u] + _itemBias[w] + 0.8 * dot;
        }

        /// <summary>How likely the user is to pick an item they looked at: steeply more for what they will like.</summary>
        public double ChoiceProbability(int u, int w) => 0.6 / (1 + Math.Exp(-2.5 * (Expected(u, w) - 3.5)));

        public float Rating(int u, int w, Random random)
        {
            var noise = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()) * 0.5;
            return (float)Math.Clamp(Math.Round(Expected(u, w) + noise), 1, 5);
        }
    }
}

/// <summary>The world and the service settings of <see cref="ExplorationSimulation"/>.</summary>
public sealed record ExplorationSimulationOptions
{
    public int Users { get; init; } = 600;
    public int InitialItems { get; init; } = 500;
    public int InitialRatingsPerUser { get; init; } = 30;
    public int Genres { get; init; } = 8;
    public int Days { get; init; } = 30;
    public int NewItemsPerDay { get; init; } = 10;

    /// <summary>The share of users who visit on a day and are shown a list.</summary>
    public double VisitProbability { get; init; } = 0.3;

    /// <summary>The chance a user looks at position p (0-based) is this to the power p.</summary>
    public double PositionDecay { get; init; } = 0.9;

    public int ListLength { get; init; } = 10;

    /// <summary>A new item counts as exposed enough at this many ratings.</summary>
    public int TargetRatings { get; init; } = 5;

    /// <summary>Days a new item is followed; items arriving later than <see cref="Days"/> minus this are not judged.</summary>
    public int FollowDays { get; init; } = 14;

    /// <summary><see cref="ExplorationOptions.MaxRatings"/> in the simulated service.</summary>
    public int MaxRatings { get; init; } = 5;

    /// <summary><see cref="ExplorationOptions.MaxAgeDays"/> in the simulated service.</summary>
    public int MaxAgeDays { get; init; } = 30;

    public int Factors { get; init; } = 16;
    public int Epochs { get; init; } = 25;
    public int RankingIterations { get; init; } = 8;
    public int Seed { get; init; } = 42;
}

/// <summary>
/// One share's outcome: followed new items, their mean and median days to the target ratings (not reached within the
/// follow window = window + 1), the share that reached it, liked P@10 of every list shown, the share of list slots that
/// were exploration, the share of shown items that were new, and the ratings at the end.
/// </summary>
public sealed record ExplorationSimulationResult(double Share, int FollowedItems, double MeanDaysToTarget, double MedianDaysToTarget,
    double ReachedShare, double LikedPrecision, double ExplorationSlotShare, double NewItemShare, int Ratings);
