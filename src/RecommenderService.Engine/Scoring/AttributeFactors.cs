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

    private AttributeFactors(string[] attributes, float[] weights, int ratingFactors, int rankingFactors, int fittedItems)
    {
        Attributes = attributes;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var a = 0; a < attributes.Length; a++) _index[attributes[a]] = a;
        _weights = weights;
        RatingFactors = ratingFactors;
        RankingFactors = rankingFactors;
        Fitted = fittedItems;
    }

    /// <summary>The attribute vocabulary seen at fitting time; other attributes are ignored when deriving.</summary>
    public IReadOnlyList<string> Attributes { get; }

    public int RatingFactors { get; }

    /// <summary>0 when the model had no ranking head.</summary>
    public int RankingFactors { get; }

    /// <summary>How many rows (items; users for a user map) the regression was fitted on.</summary>
    public int Fitted { get; }

    private int Targets => 1 + RatingFactors + RankingFactors;

    /// <summary>The fitted weights, (attributes + 1) rows × (1 + k + h) columns, row-major, the intercept last (for the model file).</summary>
    internal ReadOnlySpan<float> Weights => _weights;

    /// <summary>A map read back from a model file (see <see cref="ModelSerializer"/>).</summary>
    /// <exception cref="ArgumentException">Duplicate attributes or weights of the wrong size.</exception>
    internal static AttributeFactors FromWeights(string[] attributes, float[] weights, int ratingFactors, int rankingFactors, int fittedItems)
    {
        if (weights.Length != (long)(attributes.Length + 1) * (1 + ratingFactors + rankingFactors))
            throw new ArgumentException("The weights do not match the attribute count and factor dimensions.", nameof(weights));
        if (attributes.Distinct(StringComparer.Ordinal).Count() != attributes.Length)
            throw new ArgumentException("An attribute appears twice.", nameof(attributes));
        return new AttributeFactors(attributes, weights, ratingFactors, rankingFactors, fittedItems);
    }

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
    /// ranking head's vector), so a user with a profile and no ratings can be served (<see cref="ColdUsers"/>).
    /// </summary>
    /// <exception cref="ArgumentException">No user has attributes.</exception>
    public static AttributeFactors FitUsers(FactorModel model, Func<int, IReadOnlyCollection<string>?> attributesOf,
        Func<int, bool>? trained = null, float regularization = 1f, Func<int, double>? weightOf = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(attributesOf);
        return FitRows(model, model.Users.Count, attributesOf, trained, regularization, weightOf, UserTarget, "user");
    }

    /// <summary>
    /// Fits the user map on the users of a model trained on <paramref name="ratings"/> that have profile tokens in
    /// <paramref name="attributesById"/> (keyed by external user id; empty lists count as none), every such user weighted
    /// alike (<see cref="ColdUserEvaluation"/> measured it against weighting by ratings). Null when no rated user has any.
    /// </summary>
    public static AttributeFactors? FitOnUsers(FactorModel model, RatingSet ratings,
        IReadOnlyDictionary<string, string[]> attributesById, float regularization = DefaultUserRegularization)
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
        return any ? FitUsers(model, Of, u => counts[u] > 0, regularization) : null;
    }

    /// <summary>
    /// λ of the user map: users are many per token (hundreds per age band) and a profile says little of a taste, so each
    /// token is held near the intercept far harder than an item's. Chosen on MovieLens-100k's held-out users of seed 7
    /// (λ 1, 5, 20, 50, 200, 1000: RMSE 1.0080 … 0.9959, P@10 best at 50) and confirmed on seed 42 (docs/benchmarks.md).
    /// </summary>
    public const float DefaultUserRegularization = 50f;

    private static AttributeFactors FitRows(FactorModel model, int count, Func<int, IReadOnlyCollection<string>?> attributesOf,
        Func<int, bool>? trained, float regularization, Func<int, double>? weightOf, Action<FactorModel, int, float[]> targetOf, string what)
    {
        if (!float.IsFinite(regularization) || regularization <= 0)
            throw new ArgumentOutOfRangeException(nameof(regularization), regularization, "λ must be positive.");
        var vocabulary = new SortedSet<string>(StringComparer.Ordinal);
        var rows = new List<(int Row, IReadOnlyCollection<string> Attributes)>();
        for (var i = 0; i < count; i++)
        {
            if (trained is not null && !trained(i)) continue;
            if (attributesOf(i) is not { } attributes) continue;
            rows.Add((i, attributes));
            vocabulary.UnionWith(attributes);
        }
        if (rows.Count == 0) throw new ArgumentException($"No trained {what} has attributes to learn from.", nameof(attributesOf));

        var names = vocabulary.ToArray();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var a = 0; a < names.Length; a++) index[names[a]] = a;
        var n = names.Length + 1;
        var kRating = model.Factors;
        var kRanking = model.Ranking?.Factors ?? 0;
        var targets = 1 + kRating + kRanking;

        // Normal equations XᵀX w = Xᵀt with X = indicators plus a 1 column (the intercept, unpenalised).
        var xtx = new double[n * n];
        var xtt = new double[n * targets];
        var columns = new List<int>();
        var target = new float[targets];
        foreach (var (row, attributes) in rows)
        {
            columns.Clear();
            foreach (var a in attributes.Distinct()) columns.Add(index[a]);
            columns.Add(n - 1);
            targetOf(model, row, target);
            var weight = weightOf?.Invoke(row) ?? 1;
            if (!(weight > 0)) continue;
            foreach (var r in columns)
            {
                foreach (var c in columns) xtx[r * n + c] += weight;
                for (var t = 0; t < targets; t++) xtt[r * targets + t] += weight * target[t];
            }
        }
        for (var a = 0; a < n - 1; a++) xtx[a * n + a] += regularization;
        xtx[(n - 1) * n + n - 1] += 1e-6; // keeps the system definite when every row shares one attribute set

        var weights = new float[n * targets];
        var a2 = new double[n * n];
        var b = new double[n];
        for (var t = 0; t < targets; t++)
        {
            xtx.CopyTo(a2, 0);
            for (var r = 0; r < n; r++) b[r] = xtt[r * targets + t];
            FoldIn.CholeskySolve(a2, b, n);
            for (var r = 0; r < n; r++) weights[r * targets + t] = (float)b[r];
        }
        return new AttributeFactors(names, weights, kRating, kRanking, rows.Count);
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

    private static void UserTarget(FactorModel model, int user, float[] target)
    {
        target[0] = model.UserBias[user];
        model.UserVector(user).CopyTo(target.AsSpan(1, model.Factors));
        if (model.Ranking is { } head) head.UserVector(user).CopyTo(target.AsSpan(1 + model.Factors, head.Factors));
    }
}
