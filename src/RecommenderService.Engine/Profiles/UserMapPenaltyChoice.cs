namespace RecommenderService.Engine;

/// <summary>What <see cref="UserMapPenalty.Choose"/> chose and why.</summary>
/// <param name="Regularization">λ per token of the map (+∞: the intercept alone, the mean user for every profile).</param>
/// <param name="Steps">Every λ tried, ascending, with its validation RMSE; empty when too few users had a profile to judge.</param>
/// <param name="ValidationUsers">The newcomers whose ratings were predicted.</param>
/// <param name="ValidationRatings">Their ratings.</param>
/// <param name="BaselineRmse">The same ratings' RMSE of μ + b_i, no user part at all (NaN when nothing was judged).</param>
public sealed record UserMapPenaltyChoice(float Regularization, IReadOnlyList<UserMapPenaltyStep> Steps, int ValidationUsers, int ValidationRatings,
    double BaselineRmse)
{
    /// <summary>The validation RMSE of the chosen λ; NaN when nothing was judged.</summary>
    public double Rmse => Steps.Where(s => s.Regularization.Equals(Regularization)).Select(s => s.Rmse).DefaultIfEmpty(double.NaN).First();

    /// <summary>The validation RMSE of the mean user (λ = +∞); NaN when it was not tried.</summary>
    public double MeanUserRmse => Steps.Where(s => float.IsPositiveInfinity(s.Regularization)).Select(s => s.Rmse).DefaultIfEmpty(double.NaN).First();
}

/// <summary>One λ of <see cref="UserMapPenalty.Choose"/> and the RMSE of the validation users' ratings predicted from their profile alone.</summary>
public readonly record struct UserMapPenaltyStep(float Regularization, double Rmse, double Excess);
