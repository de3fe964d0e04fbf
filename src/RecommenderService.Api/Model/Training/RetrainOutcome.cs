namespace RecommenderService.Api.Model.Training;

/// <summary>
/// How a retrain ended, as the <c>outcome</c> and <c>reason</c> labels of <c>recommender_retrains_total</c>.
/// The quality gate's reason is a sentence with figures in it; here it becomes one of a few classes so the
/// label set stays bounded.
/// </summary>
public static class RetrainOutcome
{
    public const string Activated = "activated";
    public const string Rejected = "rejected";
    public const string Failed = "failed";

    /// <summary>Reason classes; <see cref="None"/> for an activated model.</summary>
    public const string None = "none";
    public const string Diverged = "diverged";
    public const string RatingBaseline = "rating_baseline";
    public const string WarmRatingBaseline = "warm_rating_baseline";
    public const string WorseThanActive = "worse_than_active";
    public const string Other = "other";
    public const string Error = "error";
    public const string Cancelled = "cancelled";

    /// <summary>Every (outcome, reason) pair that can occur: the whole label set.</summary>
    public static readonly IReadOnlyList<(string Outcome, string Reason)> All =
    [
        (Activated, None),
        (Rejected, Diverged), (Rejected, RatingBaseline), (Rejected, WarmRatingBaseline), (Rejected, WorseThanActive), (Rejected, Other),
        (Failed, Error), (Failed, Cancelled),
    ];

    /// <summary>The class of a quality-gate rejection (the wording of <c>QualityGate.Decide</c>; a test pins the mapping).</summary>
    public static string ReasonClass(string reason) =>
        reason.Contains("diverged", StringComparison.OrdinalIgnoreCase) ? Diverged
        : reason.Contains("users with history", StringComparison.OrdinalIgnoreCase) ? WarmRatingBaseline
        : reason.Contains("biases-only baseline", StringComparison.OrdinalIgnoreCase) ? RatingBaseline
        : reason.Contains("active version", StringComparison.OrdinalIgnoreCase) ? WorseThanActive
        : Other;
}
