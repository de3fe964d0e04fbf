namespace RecommenderService.Engine;

/// <summary>
/// How the ranking head reads a rating as implicit feedback: a preference p (1 = chosen, 0 = not wanted) and a
/// confidence c = 1 + c'. The same rule in training (<see cref="RankingTrainer"/>) and in the fold-in of a user who
/// rated since (<see cref="FoldIn.SolveRanking(FactorModel, ReadOnlySpan{int}, ReadOnlySpan{float})"/>), so it is recorded with the head in the model file.
/// </summary>
/// <param name="Weighting">w(r) of a chosen item's confidence bonus c' = α·w(r).</param>
/// <param name="Alpha">α of a chosen item's confidence bonus.</param>
/// <param name="DislikedAt">
/// A rating ≤ this (on the model's scale) is an explicit negative: p = 0 with bonus <paramref name="NegativeAlpha"/>,
/// so training pushes its score below an unrated item's instead of up like a chosen one. NaN = no negatives, every
/// rated item is chosen (the behaviour of heads trained before negatives existed).
/// </param>
/// <param name="NegativeAlpha">c' of an explicit negative: how much more sure "not wanted" is than "not rated".</param>
public readonly record struct RankingFeedback(ConfidenceWeighting Weighting, float Alpha, float DislikedAt, float NegativeAlpha)
{
    /// <summary>Whether low ratings are read as explicit negatives.</summary>
    public bool HasNegatives => !float.IsNaN(DislikedAt);

    /// <summary>Every rated item chosen, confidence 1 + α·w(r): the head before negatives existed.</summary>
    public static RankingFeedback ChosenOnly(ConfidenceWeighting weighting, float alpha) => new(weighting, alpha, float.NaN, 0);

    /// <summary>The confidence bonus c' and the target t = p·(1 + c') of one rating.</summary>
    public (float Bonus, float Target) Of(float rating)
    {
        if (rating <= DislikedAt) return (NegativeAlpha, 0);
        var bonus = Weighting switch
        {
            ConfidenceWeighting.Rating => Alpha * rating,
            ConfidenceWeighting.RatingSquared => Alpha * rating * rating,
            _ => Alpha,
        };
        return (bonus, 1 + bonus);
    }

    /// <summary>Throws <see cref="ArgumentException"/> when a setting cannot be trained or folded in with.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Weighting)) throw new ArgumentException($"Unknown confidence weighting {(int)Weighting}.", nameof(Weighting));
        if (!float.IsFinite(Alpha) || Alpha < 0) throw new ArgumentException($"α must be zero or positive (was {Alpha}).", nameof(Alpha));
        if (float.IsInfinity(DislikedAt)) throw new ArgumentException("The disliked threshold must be a number or NaN (none).", nameof(DislikedAt));
        if (!float.IsFinite(NegativeAlpha) || NegativeAlpha < 0)
            throw new ArgumentException($"The negative confidence bonus must be zero or positive (was {NegativeAlpha}).", nameof(NegativeAlpha));
    }
}
