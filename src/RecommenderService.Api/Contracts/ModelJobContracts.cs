namespace RecommenderService.Api.Contracts;

/// <summary>Answer of <c>POST /api/v1/model/retrain</c>: the job to watch at <c>/api/v1/model/jobs/{jobId}</c>.</summary>
/// <param name="JobId">Hangfire job id.</param>
/// <param name="AlreadyQueued">True when a retrain was already queued or running and this is that job.</param>
public sealed record RetrainAccepted(string JobId, bool AlreadyQueued);

/// <summary>State of a retrain job (API.md, <c>GET /api/v1/model/jobs/{jobId}</c>).</summary>
/// <param name="JobId">Hangfire job id.</param>
/// <param name="State"><c>enqueued</c>, <c>processing</c>, <c>succeeded</c> or <c>failed</c>.</param>
/// <param name="Phase">Where a running job is: reading, early-stopping, refit, storing, activated, rejected.</param>
/// <param name="Epoch">Latest epoch of the current phase.</param>
/// <param name="ValidationRmse">Latest holdout RMSE during early stopping.</param>
/// <param name="ModelVersion">The version this job creates.</param>
/// <param name="ModelStatus">That version's status (active, rejected, failed, ...).</param>
/// <param name="Reason">Why the version was rejected or failed.</param>
/// <param name="Error">Why the job failed.</param>
public sealed record JobStatusResponse(
    string JobId, string State, string? Phase, int? Epoch, double? ValidationRmse,
    int? ModelVersion, string? ModelStatus, string? Reason, string? Error);
