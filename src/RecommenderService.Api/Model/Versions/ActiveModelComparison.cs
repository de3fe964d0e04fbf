using RecommenderService.Api.OpenApi;

namespace RecommenderService.Api.Model.Versions;

/// <summary>
/// The candidate and the model that was active, scored on the same ratings: the candidate's holdout ratings
/// written after the active model's data cut-off, which neither model trained on (the candidate is its model
/// trained before the holdout). Holdout ratings the active model did train on are left out: they would flatter
/// it, and a retrain on unchanged data could never win.
/// </summary>
/// <param name="Version">The active version.</param>
/// <param name="Ratings">How many holdout ratings neither model trained on.</param>
/// <param name="CandidateRmse">The candidate's RMSE on them (null when there were none).</param>
/// <param name="ActiveRmse">The active model's RMSE on them (null when there were none).</param>
/// <param name="Applied">
/// Whether the quality check against the active model was applied: with too few such ratings a
/// difference says nothing.
/// </param>
[FieldsMayBeAbsent]
public sealed record ActiveModelComparison(int Version, int Ratings, double? CandidateRmse, double? ActiveRmse, bool Applied);
