using System.Numerics.Tensors;

namespace RecommenderService.Engine;

/// <summary>
/// The ranking-head vector x₀ of what a user told the service (<see cref="ColdUsers"/>): the user map's derivation from
/// their profile plus their onboarding likes' mean derived item vector at a typical user's length. Both are sums of
/// per-token vectors, so x₀ is kept with its parts and a score x₀·y_i splits exactly over the tokens:
/// <code>x₀ = b + Σ_t w_t + Σ_l (s / L) ŷ_l</code>
/// b the user map's intercept (the mean user), w_t a profile token's weights, ŷ_l a like's derived item vector (the item
/// map's intercept plus the like's weights), L the number of likes and s the scale that gives their mean the typical length.
/// </summary>
public sealed class RankingPrior
{
    private RankingPrior(float[] vector, float[] @base, RankingPriorPart[] parts)
    {
        Vector = vector;
        Base = @base;
        Parts = parts;
    }

    /// <summary>x₀: the user's whole ranking vector without ratings, and the prior of their fold-in with ratings.</summary>
    public float[] Vector { get; }

    /// <summary>b, the part every user with a profile gets (the user map's intercept); zeros without a profile the map reads.</summary>
    public float[] Base { get; }

    /// <summary>One part per profile token the user map knows and per like the item map knows, in the order given.</summary>
    public IReadOnlyList<RankingPriorPart> Parts { get; }

    /// <summary>
    /// The prior of <paramref name="tokens"/> in <paramref name="model"/>'s ranking head; null when the model has no ranking
    /// head, or neither map knows any of the tokens (then the user has no prior).
    /// </summary>
    public static RankingPrior? For(FactorModel model, ProfileTokens tokens)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokens);
        if (model.Ranking is not { } head) return null;
        var k = head.Factors;
        var userMap = model.UserAttributeMap is { } map && map.Recognises(tokens.Profile) ? map : null;
        var likes = new List<(string Token, float[] Vector)>();
        if (model.AttributeMap is { } itemMap)
            foreach (var token in tokens.Likes.Distinct(StringComparer.Ordinal))
                if (itemMap.Recognises([token])) likes.Add((token, itemMap.Derive([token]).RankingFactors));
        if (userMap is null && likes.Count == 0) return null;

        var parts = new List<RankingPriorPart>();
        var @base = new float[k];
        float[] vector;
        if (userMap is not null)
        {
            vector = userMap.Derive(tokens.Profile).RankingFactors;
            userMap.TryGetRankingWeights(null, out var intercept);
            intercept.CopyTo(@base);
            foreach (var token in tokens.Profile.Distinct())
                if (userMap.TryGetRankingWeights(token, out var weights))
                    parts.Add(new RankingPriorPart(token, RankingPriorSource.Profile, weights.ToArray()));
        }
        else vector = new float[k];

        if (likes.Count > 0)
        {
            // As ColdUsers has always built it: the likes' mean, scaled to the mean trained user's length, added on.
            var centroid = new float[k];
            foreach (var (_, y) in likes)
                for (var f = 0; f < k; f++) centroid[f] += y[f] / likes.Count;
            var length = TensorPrimitives.Norm(centroid);
            var scale = length > 0 ? head.MeanUserNorm / length : 0;
            for (var f = 0; f < k; f++) vector[f] += scale * centroid[f];
            foreach (var (token, y) in likes)
            {
                var part = new float[k];
                for (var f = 0; f < k; f++) part[f] = scale * (y[f] / likes.Count);
                parts.Add(new RankingPriorPart(token, RankingPriorSource.Like, part));
            }
        }
        return new RankingPrior(vector, @base, parts.ToArray());
    }
}
