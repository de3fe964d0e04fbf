using System.ComponentModel.DataAnnotations;

namespace RecommenderService.Api.Model;

/// <summary>A retrain that was started (or was already waiting or running): watch it at <c>/api/v1/model/jobs/{jobId}</c>.</summary>
/// <param name="JobId">The job's id.</param>
/// <param name="AlreadyQueued">True when a retrain was already waiting or running and this is that one: two never run at once.</param>
public sealed record RetrainAccepted(string JobId, bool AlreadyQueued);

/// <summary>Where a retrain job is.</summary>
/// <param name="JobId">The job's id.</param>
/// <param name="State">
/// <c>enqueued</c> (waiting), <c>processing</c> (running), <c>succeeded</c> (finished; see <c>modelStatus</c> for whether
/// its model was activated or rejected) or <c>failed</c> (see <c>error</c>).
/// </param>
/// <param name="Phase">
/// What a running job is doing: <c>reading</c> the ratings, <c>early-stopping</c> (training while watching the newest
/// ratings held out), <c>ranking</c> (training the list-ranking model), <c>refit</c> (training again on all ratings),
/// <c>storing</c>, <c>preloading</c> (every replica loads the new model), then <c>activated</c> or <c>rejected</c>;
/// <c>skipped</c> when a scheduled run found another one running. Null before the job starts.
/// </param>
/// <param name="Epoch">The latest pass over the ratings in the current phase; null before the first.</param>
/// <param name="ValidationRmse">The latest error on the held-out ratings (root mean squared, in stars); null before the first.</param>
/// <param name="ModelVersion">The model version this job creates; null until it has one.</param>
/// <param name="ModelStatus">That version's status (see the model versions); null until there is a version.</param>
/// <param name="Reason">Why that version was rejected or failed; null otherwise.</param>
/// <param name="Error">Why the job failed; null unless <c>state</c> is <c>failed</c>.</param>
public sealed record JobStatusResponse(
    string JobId,
    [property: AllowedValues("enqueued", "processing", "succeeded", "failed")] string State,
    [property: AllowedValues("reading", "early-stopping", "ranking", "refit", "storing", "preloading", "activated", "rejected", "skipped")] string? Phase,
    int? Epoch,
    double? ValidationRmse,
    int? ModelVersion,
    [property: AllowedValues("training", "active", "superseded", "rejected", "failed")] string? ModelStatus,
    string? Reason,
    string? Error);
