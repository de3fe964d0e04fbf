namespace RecommenderService.Engine;

/// <summary>
/// Vectors for users the model knows little or nothing about, from what they have told the service: their profile
/// (age, gender, occupation, region: <see cref="UserAttributeTokens"/>) through the model's
/// <see cref="FactorModel.UserAttributeMap"/>, their onboarding likes ("Sci-Fi", "Drama") through the item
/// <see cref="FactorModel.AttributeMap"/>, and their first ratings by fold-in, which starts from the profile rather
/// than from zero. Each source is optional; what is given is combined in one solve.
/// </summary>
/// <remarks>
/// <para>The profile is a prior, not a feature: the fold-in's penalty pulls toward the profile's vector instead of toward
/// 0 (<see cref="FoldIn.Solve(FactorModel, ReadOnlySpan{int}, ReadOnlySpan{float}, float, FoldedUser?)"/>), so no
/// ratings gives the profile's vector, and every rating moves the user away from their group as far as the penalty
/// allows.</para>
/// <para>A like is read through the item map's vectors for an item with only that attribute. In the rating head it is a
/// pseudo-item rated <see cref="LikedRating"/>, folded in with the ratings for the user's vector; the user's bias is the one
/// their ratings and profile give without the likes. In the ranking head the likes' mean vector,
/// scaled to a typical user's length, is added to the profile's vector: folding the pseudo-item in instead (as a chosen
/// item) whitens it by YᵀY, which removes the genre's shared "popular" direction and, measured on generated data with
/// planted genre tastes, listed none of a popular liked genre's items.</para>
/// </remarks>
public static class ColdUsers
{
    /// <summary>The rating a like stands for, on a 1–5 scale (scaled to the model's): the mean of ratings ≥ 4 is about 4.4.</summary>
    public const float LikedRating = 4.5f;

    /// <summary>
    /// The rating head's penalty toward the profile, in total (not per rating): how many ratings' worth of evidence the
    /// profile counts as. Chosen by <c>recsys evaluate --cold-users</c> (docs/benchmarks.md).
    /// </summary>
    public const float DefaultPriorRegularization = 5f;

    /// <summary>
    /// The vectors of a user with <paramref name="profileTokens"/> and nothing else: the user map's derivation. Null when
    /// the model has no user map or knows none of the tokens (the intercept alone is the mean user, which says nothing
    /// popularity does not).
    /// </summary>
    public static UserVectors? FromProfile(FactorModel model, IReadOnlyCollection<string> profileTokens)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(profileTokens);
        if (model.UserAttributeMap is not { } map || !map.Recognises(profileTokens)) return null;
        var (bias, factors, ranking) = map.Derive(profileTokens);
        return new UserVectors(bias, factors, model.Ranking is null ? null : ranking);
    }

    /// <summary>How many of <paramref name="likedItemTokens"/> the model's item map knows (the likes it can use).</summary>
    public static int UsableLikes(FactorModel model, IReadOnlyCollection<string> likedItemTokens)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(likedItemTokens);
        if (model.AttributeMap is not { } map) return 0;
        var usable = 0;
        foreach (var token in likedItemTokens.Distinct(StringComparer.Ordinal))
            if (map.Recognises([token])) usable++;
        return usable;
    }

    /// <summary>
    /// The user's vectors from every source given: <paramref name="tokens"/>' profile (the prior) and likes (pseudo-items),
    /// and the ratings <paramref name="values"/> of model items <paramref name="items"/>. The rating head's penalty is
    /// <paramref name="regularization"/> (λ in total, as <see cref="FoldIn.Solve(FactorModel, ReadOnlySpan{int}, ReadOnlySpan{float}, float)"/>
    /// takes it), the ranking head's its own. Null when nothing usable is given (no ratings, and neither a profile nor a
    /// like the model's maps know).
    /// </summary>
    public static UserVectors? Solve(FactorModel model, ProfileTokens tokens, ReadOnlySpan<int> items, ReadOnlySpan<float> values,
        float regularization)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokens);
        if (items.Length != values.Length)
            throw new ArgumentException($"{items.Length} items but {values.Length} values.", nameof(values));
        var prior = FromProfile(model, tokens.Profile);
        var likes = Likes(model, tokens.Likes);
        if (items.IsEmpty && likes.Count == 0) return prior;

        // The ranking head's prior: the profile's vector plus the likes' mean derived item vector at a typical user's length.
        var rankingPrior = RankingPrior.For(model, tokens)?.Vector;
        var ranking = model.Ranking is null ? null
            : items.IsEmpty ? rankingPrior
            : FoldIn.SolveRanking(model, items, values, rankingPrior ?? []);

        // The rating head: likes are pseudo-items rated LikedRating, solved with the ratings from the profile.
        if (likes.Count == 0)
        {
            var folded = FoldIn.Solve(model, items, values, regularization, prior?.Rating);
            return new UserVectors(folded.Bias, folded.Factors, ranking);
        }
        var n = items.Length + likes.Count;
        var k = model.Factors;
        var rows = new float[n * k];
        var biases = new float[n];
        var all = new float[n];
        var liked = model.Scale.FromOneToFive(LikedRating);
        for (var j = 0; j < items.Length; j++)
        {
            model.ItemVector(items[j]).CopyTo(rows.AsSpan(j * k, k));
            biases[j] = model.ItemBias[items[j]];
            all[j] = values[j];
        }
        for (var l = 0; l < likes.Count; l++)
        {
            var j = items.Length + l;
            likes[l].Factors.CopyTo(rows.AsSpan(j * k, k));
            biases[j] = likes[l].Bias;
            all[j] = liked;
        }
        var user = FoldIn.SolveVectors(model, rows, biases, all, regularization, prior?.Rating);
        // A like says which items, not how generously the user rates: its rating would lift b_u as if they rated high,
        // so the bias is the one their ratings and profile give, and the likes move only the vector.
        var bias = items.IsEmpty ? prior?.Rating.Bias ?? 0f : FoldIn.Solve(model, items, values, regularization, prior?.Rating).Bias;
        return new UserVectors(bias, user.Factors, ranking);
    }

    /// <summary>The derived vectors of each like the item map knows.</summary>
    private static List<(float Bias, float[] Factors, float[] Ranking)> Likes(FactorModel model, string[] likedItemTokens)
    {
        var likes = new List<(float, float[], float[])>();
        if (model.AttributeMap is not { } map) return likes;
        foreach (var token in likedItemTokens.Distinct(StringComparer.Ordinal))
            if (map.Recognises([token])) likes.Add(map.Derive([token]));
        return likes;
    }
}
