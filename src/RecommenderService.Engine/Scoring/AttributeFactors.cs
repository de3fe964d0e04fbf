namespace RecommenderService.Engine;

/// <summary>
/// Factor vectors for items nobody has rated yet, from their attributes (e.g. genres): a ridge regression from
/// attribute indicators plus an intercept to each known item's [b_i, q_i, y_i] (rating-head bias and factors, and the
/// ranking head's vector when the model has one), fitted on the model's items that have attributes. A new item with
/// attributes then gets a predicted rating for every user (μ + b_u + b̂_i + p_u·q̂_i), a place in lists and neighbours,
/// before any retrain; once it is trained, its learned vectors replace these. The same regression maps user profile
/// tokens to users' [b_u, p_u, x_u] (<see cref="FitUsers"/>, <see cref="FactorModel.UserAttributeMap"/>).
/// </summary>
/// <remarks>
/// Why a regression rather than the mean of items sharing an attribute: it combines several attributes (a
/// "Children's|Animation" item lands between, not on, either genre's mean), needs no rule for items sharing none,
/// and an item without any known attribute gets the intercept (the mean item). λ (per attribute column, not per
/// item) keeps rare attributes near the intercept. The system is (A+1)×(A+1) for A attributes, so fitting costs
/// O(items·A² + A³ + A²·targets): nothing next to training.
/// </remarks>
public sealed class AttributeFactors
{
    private readonly Dictionary<string, int> _index;
    private readonly float[] _weights; // (A + 1) rows × Targets, row A = intercept

    private AttributeFactors(string[] attributes, float[] weights, int ratingFactors, int rankingFactors, int fittedItems, float regularization,
        float rankingRegularization)
    {
        Attributes = attributes;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var a = 0; a < attributes.Length; a++) _index[attributes[a]] = a;
        _weights = weights;
        RatingFactors = ratingFactors;
        RankingFactors = rankingFactors;
        Fitted = fittedItems;
        Regularization = regularization;
        RankingRegularization = rankingRegularization;
    }

    /// <summary>The attribute vocabulary seen at fitting time; other attributes are ignored when deriving.</summary>
    public IReadOnlyList<string> Attributes { get; }

    public int RatingFactors { get; }

    /// <summary>0 when the model had no ranking head.</summary>
    public int RankingFactors { get; }

    /// <summary>How many rows (items; users for a user map) the regression was fitted on.</summary>
    public int Fitted { get; }

    /// <summary>
    /// λ per attribute the map's rating-head columns [b, q] were fitted at (+∞: the intercept alone); NaN for a map read
    /// from a file that does not record it.
    /// </summary>
    public float Regularization { get; }

    /// <summary>λ per attribute of the ranking-head columns (NaN when not recorded; the same as <see cref="Regularization"/> unless a fit set it apart).</summary>
    public float RankingRegularization { get; }

    private int Targets => 1 + RatingFactors + RankingFactors;

    /// <summary>The fitted weights, (attributes + 1) rows × (1 + k + h) columns, row-major, the intercept last (for the model file).</summary>
    internal ReadOnlySpan<float> Weights => _weights;

    /// <summary>A map read back from a model file (see <see cref="ModelSerializer"/>).</summary>
    /// <exception cref="ArgumentException">Duplicate attributes or weights of the wrong size.</exception>
    internal static AttributeFactors FromWeights(string[] attributes, float[] weights, int ratingFactors, int rankingFactors, int fittedItems,
        float regularization = float.NaN, float rankingRegularization = float.NaN)
    {
        if (weights.Length != (long)(attributes.Length + 1) * (1 + ratingFactors + rankingFactors))
            throw new ArgumentException("The weights do not match the attribute count and factor dimensions.", nameof(weights));
        if (attributes.Distinct(StringComparer.Ordinal).Count() != attributes.Length)
            throw new ArgumentException("An attribute appears twice.", nameof(attributes));
        return new AttributeFactors(attributes, weights, ratingFactors, rankingFactors, fittedItems, regularization, rankingRegularization);
    }

    /// <summary>The same map with its λs recorded (a model file's UREG section).</summary>
    internal AttributeFactors WithRegularization(float regularization, float rankingRegularization) =>
        new(Attributes as string[] ?? Attributes.ToArray(), _weights, RatingFactors, RankingFactors, Fitted, regularization, rankingRegularization);

    /// <summary>
    /// Whether any of <paramref name="attributes"/> was seen at fitting time. An item with none of them would get the
    /// intercept alone (the mean item), which says nothing about it, so callers leave such items out.
    /// </summary>
    public bool Recognises(IEnumerable<string> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        foreach (var a in attributes)
            if (_index.ContainsKey(a)) return true;
        return false;
    }

    /// <summary>
    /// Fits the map on the items of a model trained on <paramref name="ratings"/> that have attributes in
    /// <paramref name="attributesById"/> (keyed by external item id; empty lists count as none), each weighted by its
    /// number of ratings, as <see cref="ColdItemEvaluation"/> measured best. Null when no such item has attributes.
    /// </summary>
    public static AttributeFactors? FitOnRatings(FactorModel model, RatingSet ratings,
        IReadOnlyDictionary<string, string[]> attributesById, float regularization = 1f)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(ratings);
        ArgumentNullException.ThrowIfNull(attributesById);
        var counts = new int[model.Items.Count];
        var toModel = new int[ratings.ItemCount];
        for (var i = 0; i < toModel.Length; i++) toModel[i] = model.Items.TryGetIndex(ratings.Items[i], out var m) ? m : -1;
        foreach (var i in ratings.Item)
            if (toModel[i] >= 0) counts[toModel[i]]++;
        string[]? Of(int item) => attributesById.TryGetValue(model.Items[item], out var a) && a.Length > 0 ? a : null;
        var any = false;
        for (var i = 0; i < counts.Length && !any; i++) any = counts[i] > 0 && Of(i) is not null;
        return any ? Fit(model, Of, i => counts[i] > 0, regularization, i => counts[i]) : null;
    }

    /// <summary>
    /// Fits the regression on every item of <paramref name="model"/> for which <paramref name="attributesOf"/> returns
    /// attributes and <paramref name="trained"/> (when given) is true, each item weighted by <paramref name="weightOf"/>
    /// (default 1; its number of training ratings is a good choice: a rarely rated item's learned vector is mostly its
    /// initialisation and prior, and the items users will rate are the often rated kind).
    /// </summary>
    /// <exception cref="ArgumentException">No item has attributes.</exception>
    public static AttributeFactors Fit(FactorModel model, Func<int, IReadOnlyCollection<string>?> attributesOf,
        Func<int, bool>? trained = null, float regularization = 1f, Func<int, double>? weightOf = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(attributesOf);
        return FitRows(model, model.Items.Count, attributesOf, trained, regularization, weightOf, ItemTarget, "item");
    }

    /// <summary>
    /// The user side (<see cref="FactorModel.UserAttributeMap"/>): fits the same regression from user attribute tokens
    /// (<see cref="UserAttributeTokens"/>) to every known user's [b_u, p_u, x_u] (rating-head bias and factors, and the
    /// ranking head's vector), so a user with a profile and no ratings can be served (<see cref="ColdUsers"/>). The ranking
    /// columns take <paramref name="rankingRegularization"/> when given, <paramref name="regularization"/> otherwise.
    /// </summary>
    /// <exception cref="ArgumentException">No user has attributes.</exception>
    public static AttributeFactors FitUsers(FactorModel model, Func<int, IReadOnlyCollection<string>?> attributesOf,
        Func<int, bool>? trained = null, float regularization = 1f, Func<int, double>? weightOf = null, float? rankingRegularization = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(attributesOf);
        return FitRows(model, model.Users.Count, attributesOf, trained, regularization, weightOf, UserTarget, "user", rankingRegularization);
    }

    /// <summary>
    /// Fits the user map on the users of a model trained on <paramref name="ratings"/> that have profile tokens in
    /// <paramref name="attributesById"/> (keyed by external user id; empty lists count as none), every such user weighted
    /// alike (<see cref="ColdUserEvaluation"/> measured it against weighting by ratings), the rating-head columns at λ
    /// <paramref name="regularization"/> (training passes the one <see cref="UserMapPenalty"/> chose) and the ranking
    /// head's at <paramref name="rankingRegularization"/>. Null when no rated user has any.
    /// </summary>
    public static AttributeFactors? FitOnUsers(FactorModel model, RatingSet ratings,
        IReadOnlyDictionary<string, string[]> attributesById, float regularization = DefaultUserRegularization,
        float rankingRegularization = DefaultUserRegularization)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(ratings);
        ArgumentNullException.ThrowIfNull(attributesById);
        var counts = new int[model.Users.Count];
        var toModel = new int[ratings.UserCount];
        for (var u = 0; u < toModel.Length; u++) toModel[u] = model.Users.TryGetIndex(ratings.Users[u], out var m) ? m : -1;
        foreach (var u in ratings.User)
            if (toModel[u] >= 0) counts[toModel[u]]++;
        string[]? Of(int user) => attributesById.TryGetValue(model.Users[user], out var a) && a.Length > 0 ? a : null;
        var any = false;
        for (var u = 0; u < counts.Length && !any; u++) any = counts[u] > 0 && Of(u) is not null;
        return any ? FitUsers(model, Of, u => counts[u] > 0, regularization, rankingRegularization: rankingRegularization) : null;
    }

    /// <summary>
    /// λ of the user map's ranking-head columns, and of its rating-head columns when too few users have a profile for
    /// <see cref="UserMapPenalty"/> to judge (it chooses those otherwise): users are many per token and a profile says
    /// little of a taste, so each token is held near the intercept far harder than an item's. Chosen for lists (P@10) on
    /// MovieLens-100k's held-out users (docs/benchmarks.md); RMSE, which the choice reads, says nothing of the ranking head.
    /// </summary>
    public const float DefaultUserRegularization = 50f;

    private static AttributeFactors FitRows(FactorModel model, int count, Func<int, IReadOnlyCollection<string>?> attributesOf,
        Func<int, bool>? trained, float regularization, Func<int, double>? weightOf, Action<FactorModel, int, float[]> targetOf, string what,
        float? rankingRegularization = null)
    {
        if (float.IsNaN(regularization) || regularization <= 0)
            throw new ArgumentOutOfRangeException(nameof(regularization), regularization, "λ must be positive.");
        var rankingLambda = rankingRegularization ?? regularization;
        if (float.IsNaN(rankingLambda) || rankingLambda <= 0)
            throw new ArgumentOutOfRangeException(nameof(rankingRegularization), rankingLambda, "λ must be positive.");
        var rows = TokenRows.Of(count, attributesOf, trained);
        if (rows.Count == 0) throw new ArgumentException($"No trained {what} has attributes to learn from.", nameof(attributesOf));
        var kRanking = model.Ranking?.Factors ?? 0;
        var system = Accumulate(model, rows, Enumerable.Range(0, rows.Count), 1 + model.Factors + kRanking, weightOf, targetOf);
        var weights = system.Solve(regularization);
        if (kRanking > 0 && !rankingLambda.Equals(regularization))
        {
            // The ranking columns at their own λ: a second factor of the same system.
            var ranking = system.Solve(rankingLambda);
            for (var r = 0; r < system.N; r++)
                ranking.AsSpan(r * system.Targets + 1 + model.Factors, kRanking).CopyTo(weights.AsSpan(r * system.Targets + 1 + model.Factors, kRanking));
        }
        return new AttributeFactors(rows.Names, weights, model.Factors, kRanking, rows.Count, regularization, kRanking > 0 ? rankingLambda : regularization);
    }

    /// <summary>
    /// The normal equations over <paramref name="rows"/>' entries <paramref name="members"/>, for the first
    /// <paramref name="targets"/> of each row's [bias, rating factors, ranking factors].
    /// </summary>
    internal static TokenRegression Accumulate(FactorModel model, TokenRows rows, IEnumerable<int> members, int targets,
        Func<int, double>? weightOf, Action<FactorModel, int, float[]> targetOf)
    {
        var system = new TokenRegression(rows.Names.Length, targets);
        var target = new float[1 + model.Factors + (model.Ranking?.Factors ?? 0)];
        foreach (var m in members)
        {
            var weight = weightOf?.Invoke(rows.Rows[m]) ?? 1;
            if (!(weight > 0)) continue;
            targetOf(model, rows.Rows[m], target);
            system.Add(rows.Columns[m], target, weight);
        }
        return system;
    }

    /// <summary>
    /// The derived vectors of an item with <paramref name="attributes"/>: rating-head bias and factors, and ranking
    /// factors (empty when the model has no ranking head). Unknown attributes are ignored.
    /// </summary>
    public (float Bias, float[] Factors, float[] RankingFactors) Derive(IEnumerable<string> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var targets = Targets;
        var sum = new float[targets];
        var intercept = Attributes.Count;
        for (var t = 0; t < targets; t++) sum[t] = _weights[intercept * targets + t];
        foreach (var a in attributes.Distinct())
            if (_index.TryGetValue(a, out var row))
                for (var t = 0; t < targets; t++) sum[t] += _weights[row * targets + t];
        return (sum[0], sum[1..(1 + RatingFactors)], sum[(1 + RatingFactors)..]);
    }

    /// <summary>
    /// The ranking-head part of what <paramref name="attribute"/> adds to a derived vector (its weights), or of the
    /// intercept for null; false for an attribute not seen at fitting time. <see cref="Derive"/>'s ranking factors are
    /// the intercept's plus each known attribute's, once.
    /// </summary>
    public bool TryGetRankingWeights(string? attribute, out ReadOnlySpan<float> weights)
    {
        var row = Attributes.Count;
        if (attribute is not null && !_index.TryGetValue(attribute, out row))
        {
            weights = default;
            return false;
        }
        weights = _weights.AsSpan(row * Targets + 1 + RatingFactors, RankingFactors);
        return true;
    }

    /// <summary>
    /// A copy of <paramref name="model"/> in which every item in <paramref name="items"/> has the vectors derived from its
    /// attributes (items without attributes get the intercept: the mean item). Other items are untouched; user arrays
    /// are shared.
    /// </summary>
    public FactorModel Apply(FactorModel model, IEnumerable<int> items, Func<int, IReadOnlyCollection<string>?> attributesOf)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Factors != RatingFactors || (model.Ranking?.Factors ?? 0) != RankingFactors)
            throw new ArgumentException("The model's factor dimensions differ from those the attributes were fitted on.", nameof(model));
        var bias = (float[])model.ItemBias.Clone();
        var factors = (float[])model.ItemFactors.Clone();
        var ranking = model.Ranking is { } head ? (float[])head.ItemFactors.Clone() : null;
        foreach (var item in items)
        {
            var (b, q, y) = Derive(attributesOf(item) ?? []);
            bias[item] = b;
            q.CopyTo(factors.AsSpan(item * RatingFactors, RatingFactors));
            if (ranking is not null) y.CopyTo(ranking.AsSpan(item * RankingFactors, RankingFactors));
        }
        var withItems = new FactorModel(model.Users, model.Items, model.Factors, model.GlobalMean, model.UserBias, bias,
            model.UserFactors, factors, model.Scale);
        return model.Ranking is { } h
            ? withItems.WithRanking(new RankingHead(h.Factors, h.UserFactors, ranking!, h.Feedback, h.Regularization))
                .WithUserAttributeMap(model.UserAttributeMap)
            : withItems.WithUserAttributeMap(model.UserAttributeMap);
    }

    private static void ItemTarget(FactorModel model, int item, float[] target)
    {
        target[0] = model.ItemBias[item];
        model.ItemVector(item).CopyTo(target.AsSpan(1, model.Factors));
        if (model.Ranking is { } head) head.ItemVector(item).CopyTo(target.AsSpan(1 + model.Factors, head.Factors));
    }

    internal static void UserTarget(FactorModel model, int user, float[] target)
    {
        target[0] = model.UserBias[user];
        model.UserVector(user).CopyTo(target.AsSpan(1, model.Factors));
        if (model.Ranking is { } head) head.UserVector(user).CopyTo(target.AsSpan(1 + model.Factors, head.Factors));
    }
}
