namespace RecommenderService.Engine;

/// <summary>
/// A user's vectors in both heads for a user the model was not trained on (or whose ratings changed since): the
/// rating head's bias and factors, and the ranking head's factors (null when the model has none). Made by
/// <see cref="ColdUsers"/> from a profile, onboarding likes, ratings, or all three.
/// </summary>
public sealed record UserVectors(float Bias, float[] Factors, float[]? RankingFactors)
{
    /// <summary>The rating-head part, as <see cref="FoldIn"/> takes and gives it.</summary>
    public FoldedUser Rating => new(Bias, Factors);
}
