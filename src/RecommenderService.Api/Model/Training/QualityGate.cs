using RecommenderService.Api.Model.Versions;
using RecommenderService.Engine;

namespace RecommenderService.Api.Model.Training;

/// <summary>
/// Decides whether a freshly trained model may replace the active one, judging the two heads separately and
/// comparing like with like on the candidate's own holdout:
/// <list type="bullet">
/// <item>the rating head must beat the biases-only baseline on the holdout ratings of users with history. Users
/// new in the holdout get μ + b_i from every model and from the baseline alike, so only the others show whether
/// the personal part learned anything; when (almost) every holdout user is new, a strict "beat" would be a coin
/// toss between two nearly equal item-bias estimates, so the rule there is "no worse than the baseline by more than
/// the margin". The rating head must also not be worse than the active model by more than the margin on the
/// holdout ratings neither trained on (see <see cref="ActiveModelComparison"/>). Failing any rejects the
/// version. Where the baseline's error on users with history is already below the margin (or <see cref="NearlyExact"/>,
/// if larger: every rating alike, e.g. likes imported as stars), there is nothing to beat, and the rule is "no worse by
/// more than that";</item>
/// <item>lists come from the source <see cref="HoldoutReport.ChooseListSource"/> picks on the holdout users who have
/// history (ranking head weighted or alone, rating head, or the popular list the service serves): a head that loses
/// does not reject the version, it only does not serve lists.</item>
/// </list>
/// </summary>
public static class QualityGate
{
    /// <summary>Below this many ratings in a comparison, the margin rule is not applied to it.</summary>
    public const int MinComparisonRatings = 50;

    /// <summary>
    /// An RMSE this small is a baseline that leaves nothing to explain, whatever the margin (which may be 0): a hundredth
    /// of a star of SGD noise around an exact answer.
    /// </summary>
    public const double NearlyExact = 0.01;

    public static GateDecision Decide(HoldoutReport candidate, ActiveModelComparison? active, double margin)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        if (!double.IsFinite(candidate.Rmse))
            return new GateDecision("holdout RMSE is not a number (the training diverged)", candidate.ListSource);
        if (candidate.WarmRatings >= MinComparisonRatings)
        {
            // Ratings that leave the biases nothing to explain (every rating the same, as likes imported as stars) cannot
            // be beaten; there the model is worth serving for its lists, and its predictions need only match.
            var tolerance = Math.Max(margin, NearlyExact);
            var nothingToExplain = candidate.WarmBaselineRmse < tolerance;
            if (nothingToExplain && candidate.WarmRmse > candidate.WarmBaselineRmse + tolerance)
                return new GateDecision(FormattableString.Invariant(
                    $"on the {candidate.WarmRatings} holdout ratings of users with history, RMSE {candidate.WarmRmse:F4} is more than {tolerance:F4} worse than the biases-only baseline {candidate.WarmBaselineRmse:F4}"),
                    candidate.ListSource);
            if (!nothingToExplain && !(candidate.WarmRmse < candidate.WarmBaselineRmse))
                return new GateDecision(FormattableString.Invariant(
                    $"on the {candidate.WarmRatings} holdout ratings of users with history, RMSE {candidate.WarmRmse:F4} does not beat the biases-only baseline {candidate.WarmBaselineRmse:F4}"),
                    candidate.ListSource);
        }
        else if (candidate.Rmse > candidate.BaselineRmse + margin)
        {
            return new GateDecision(FormattableString.Invariant(
                $"holdout RMSE {candidate.Rmse:F4} is more than {margin:F4} worse than the biases-only baseline {candidate.BaselineRmse:F4}"),
                candidate.ListSource);
        }
        if (active is { Applied: true, CandidateRmse: { } mine, ActiveRmse: { } theirs } && mine > theirs + margin)
            return new GateDecision(FormattableString.Invariant(
                $"on the {active.Ratings} holdout ratings active version {active.Version} never saw, RMSE {mine:F4} is more than {margin:F4} worse than its {theirs:F4}"),
                candidate.ListSource);
        return new GateDecision(null, candidate.ListSource);
    }
}
