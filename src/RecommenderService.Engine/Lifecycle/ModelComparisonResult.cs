namespace RecommenderService.Engine;

/// <summary>Two models' rating error on the same ratings (see <see cref="ModelComparison.Compare"/>).</summary>
/// <param name="Ratings">How many ratings both were scored on.</param>
/// <param name="CandidateRmse">RMSE of the first predictor.</param>
/// <param name="OtherRmse">RMSE of the second predictor.</param>
/// <param name="CandidateMae">MAE of the first predictor.</param>
/// <param name="OtherMae">MAE of the second predictor.</param>
public readonly record struct ModelComparisonResult(int Ratings, double CandidateRmse, double OtherRmse, double CandidateMae, double OtherMae);
