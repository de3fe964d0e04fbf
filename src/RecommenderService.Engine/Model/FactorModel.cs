using System.Numerics.Tensors;

namespace RecommenderService.Engine;

/// <summary>
/// A trained biased matrix-factorisation model: r̂(u, i) = μ + b_u + b_i + p_u·q_i (the rating head), optionally
/// with a <see cref="RankingHead"/> for lists. Immutable once built: the host swaps whole models, never edits one in place.
/// </summary>
/// <example>
/// Both heads from one rating set:
/// <code>
/// var model = TrainingPolicy.Fit(ratings, new TrainingOptions()).Model
///     .WithRanking(new RankingTrainer(new RankingOptions()).Train(ratings));
/// var list = TopKScan.ForUserRanking(model, user, 10, ratedItems);           // a known user
/// var x = FoldIn.SolveRanking(model, ratedItems, ratingValues);            // a fresh user
/// var fresh = TopKScan.ForUserRanking(model, x, 10, ratedItems);
/// </code>
/// </example>
/// <remarks>
/// P and Q are flat row-major arrays: user u's vector is <c>UserFactors[u*Factors .. (u+1)*Factors)</c>,
/// so a pass over all items reads Q sequentially.
/// </remarks>
public sealed class FactorModel
{
    public FactorModel(
        IdMap users, IdMap items, int factors, float globalMean,
        float[] userBias, float[] itemBias, float[] userFactors, float[] itemFactors, RatingScale scale,
        RankingHead? ranking = null, AttributeFactors? attributeMap = null, AttributeFactors? userAttributeMap = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(factors);
        if (userBias.Length != users.Count || userFactors.Length != (long)users.Count * factors)
            throw new ArgumentException("User arrays do not match the user count and factor dimension.");
        if (itemBias.Length != items.Count || itemFactors.Length != (long)items.Count * factors)
            throw new ArgumentException("Item arrays do not match the item count and factor dimension.");
        Users = users;
        Items = items;
        Factors = factors;
        GlobalMean = globalMean;
        UserBias = userBias;
        ItemBias = itemBias;
        UserFactors = userFactors;
        ItemFactors = itemFactors;
        Scale = scale;
        if (ranking is not null && (ranking.UserCount != users.Count || ranking.ItemCount != items.Count))
            throw new ArgumentException(
                $"The ranking head has {ranking.UserCount} users and {ranking.ItemCount} items; the model has {users.Count} and {items.Count}.",
                nameof(ranking));
        Ranking = ranking;
        if (attributeMap is not null && (attributeMap.RatingFactors != factors || attributeMap.RankingFactors != (ranking?.Factors ?? 0)))
            throw new ArgumentException(
                $"The attribute map derives k={attributeMap.RatingFactors}, h={attributeMap.RankingFactors}; the model has k={factors}, h={ranking?.Factors ?? 0}.",
                nameof(attributeMap));
        AttributeMap = attributeMap;
        if (userAttributeMap is not null && (userAttributeMap.RatingFactors != factors || userAttributeMap.RankingFactors != (ranking?.Factors ?? 0)))
            throw new ArgumentException(
                $"The user attribute map derives k={userAttributeMap.RatingFactors}, h={userAttributeMap.RankingFactors}; the model has k={factors}, h={ranking?.Factors ?? 0}.",
                nameof(userAttributeMap));
        UserAttributeMap = userAttributeMap;
    }

    /// <summary>
    /// The same rating head with <paramref name="ranking"/> as its ranking head (null removes it). Arrays are shared,
    /// not copied. The head must be indexed like this model, e.g. trained by <see cref="RankingTrainer"/> on the
    /// ratings this model was trained on.
    /// </summary>
    /// <remarks>Drops <see cref="AttributeMap"/> and <see cref="UserAttributeMap"/>: they were fitted to the old head's vectors.</remarks>
    public FactorModel WithRanking(RankingHead? ranking) =>
        new(Users, Items, Factors, GlobalMean, UserBias, ItemBias, UserFactors, ItemFactors, Scale, ranking);

    /// <summary>
    /// The same model carrying <paramref name="map"/> (null removes it), the map from item attributes to item vectors
    /// fitted on this model's items (<see cref="AttributeFactors.Fit"/>). Arrays are shared, not copied.
    /// </summary>
    public FactorModel WithAttributeMap(AttributeFactors? map) =>
        new(Users, Items, Factors, GlobalMean, UserBias, ItemBias, UserFactors, ItemFactors, Scale, Ranking, map, UserAttributeMap);

    /// <summary>
    /// The same model carrying <paramref name="map"/> (null removes it), the map from user profile tokens to user vectors
    /// fitted on this model's users (<see cref="AttributeFactors.FitUsers"/>). Arrays are shared, not copied.
    /// </summary>
    public FactorModel WithUserAttributeMap(AttributeFactors? map) =>
        new(Users, Items, Factors, GlobalMean, UserBias, ItemBias, UserFactors, ItemFactors, Scale, Ranking, AttributeMap, map);

    public IdMap Users { get; }
    public IdMap Items { get; }

    /// <summary>Factor dimension k.</summary>
    public int Factors { get; }

    /// <summary>μ, the mean training rating.</summary>
    public float GlobalMean { get; }

    public float[] UserBias { get; }
    public float[] ItemBias { get; }

    /// <summary>P, row-major, <c>Users.Count × Factors</c>.</summary>
    public float[] UserFactors { get; }

    /// <summary>Q, row-major, <c>Items.Count × Factors</c>.</summary>
    public float[] ItemFactors { get; }

    public RatingScale Scale { get; }

    /// <summary>
    /// The optional ranking head (implicit-feedback factors for top-N lists and similar items); null for a model that
    /// only predicts ratings. Predictions always come from the rating head above.
    /// </summary>
    public RankingHead? Ranking { get; }

    /// <summary>
    /// The optional map from item attributes to item vectors, fitted at training time on the trained items, so an item
    /// added later with attributes but no ratings can be served (<see cref="ColdItems"/>); null when no trained item
    /// had attributes or the model predates the map.
    /// </summary>
    public AttributeFactors? AttributeMap { get; }

    /// <summary>
    /// The optional map from user profile tokens (<see cref="UserAttributeTokens"/>) to user vectors in both heads,
    /// fitted at training time on the trained users, so a user with a profile and few or no ratings gets a vector
    /// (<see cref="ColdUsers"/>); null when no trained user had a profile or the model predates the map.
    /// </summary>
    public AttributeFactors? UserAttributeMap { get; }

    /// <summary>|q_i| for every item, computed once on first use (for cosine similarity) and then shared.</summary>
    public ReadOnlySpan<float> ItemNorms
    {
        get
        {
            var norms = Volatile.Read(ref _itemNorms);
            if (norms is null)
            {
                // Two threads racing here compute the same values; whichever array wins is fine.
                norms = new float[Items.Count];
                for (var i = 0; i < norms.Length; i++) norms[i] = TensorPrimitives.Norm(ItemVector(i));
                Volatile.Write(ref _itemNorms, norms);
            }
            return norms;
        }
    }

    private float[]? _itemNorms;

    public ReadOnlySpan<float> UserVector(int user) => UserFactors.AsSpan(user * Factors, Factors);
    public ReadOnlySpan<float> ItemVector(int item) => ItemFactors.AsSpan(item * Factors, Factors);

    /// <summary>The unclamped model score μ + b_u + b_i + p_u·q_i.</summary>
    public float Score(int user, int item) =>
        GlobalMean + UserBias[user] + ItemBias[item] + TensorPrimitives.Dot(UserVector(user), ItemVector(item));

    /// <summary>
    /// The unclamped score of <paramref name="item"/> for a user given by vector and bias rather than by
    /// index (a folded-in user, or a copy of a trained one).
    /// </summary>
    public float Score(ReadOnlySpan<float> userVector, float userBias, int item) =>
        GlobalMean + userBias + ItemBias[item] + TensorPrimitives.Dot(userVector, ItemVector(item));

    /// <summary>The predicted rating, clamped to <see cref="Scale"/>.</summary>
    public float Predict(int user, int item) => Scale.Clamp(Score(user, item));
}
