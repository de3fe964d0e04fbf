using System.Globalization;

using Hangfire;
using Hangfire.States;

using RecommenderService.Api.Model.Versions;

namespace RecommenderService.Api.Model.Training;

/// <summary>Queues retrains (never two at once) and reports their state from Hangfire's storage.</summary>
public sealed class RetrainQueue(JobStorage storage, IBackgroundJobClient client, ModelVersionStore versions, TrainingRecovery recovery)
{
    private const string LastRequestHash = "recommender:retrain-request";

    /// <summary>
    /// The queued or running retrain if there is one, otherwise a new one. A training whose process died is
    /// detected first (<see cref="TrainingRecovery"/>), so it never blocks a new request.
    /// </summary>
    public async Task<RetrainAccepted> RequestAsync(RetrainParameters? parameters, CancellationToken cancellationToken)
    {
        await recovery.RecoverAsync(cancellationToken);
        using var connection = storage.GetConnection();
        // Serialises requests across replicas, so two simultaneous requests cannot both enqueue.
        using var _ = connection.AcquireDistributedLock(LastRequestHash, TimeSpan.FromSeconds(15));
        var last = connection.GetAllEntriesFromHash(LastRequestHash)?.GetValueOrDefault("jobId");
        if (last is not null && connection.GetJobData(last)?.State is { } state && IsPending(state))
            return new RetrainAccepted(last, true);

        var jobId = client.Create<RetrainJob>(job => job.RunAsync(parameters, false, null, CancellationToken.None), new EnqueuedState(RetrainJob.Queue));
        connection.SetRangeInHash(LastRequestHash, [new KeyValuePair<string, string>("jobId", jobId)]);
        return new RetrainAccepted(jobId, false);
    }

    private static bool IsPending(string state) =>
        state == EnqueuedState.StateName || state == ProcessingState.StateName || state == ScheduledState.StateName || state == AwaitingState.StateName;

    public async Task<JobStatusResponse?> StatusAsync(string jobId, CancellationToken cancellationToken)
    {
        var details = storage.GetMonitoringApi().JobDetails(jobId);
        if (details?.Job is null || details.Job.Type != typeof(RetrainJob)) return null;

        var current = details.History.FirstOrDefault();
        var name = current?.StateName;
        string state;
        string? error = null;
        if (name == SucceededState.StateName) state = "succeeded";
        else if (name == ProcessingState.StateName) state = "processing";
        else if (name == FailedState.StateName)
        {
            state = "failed";
            error = current!.Data.TryGetValue("ExceptionMessage", out var message) ? message : "the training failed";
        }
        else if (name == DeletedState.StateName)
        {
            state = "failed";
            error = "the job was deleted before it finished";
        }
        else state = "enqueued"; // enqueued, scheduled or awaiting

        using var connection = storage.GetConnection();
        var phase = ParseString(connection.GetJobParameter(jobId, RetrainJob.Progress.Phase));
        var epoch = ParseInt(connection.GetJobParameter(jobId, RetrainJob.Progress.Epoch));
        var rmse = ParseDouble(connection.GetJobParameter(jobId, RetrainJob.Progress.ValidationRmse));
        var version = ParseInt(connection.GetJobParameter(jobId, RetrainJob.Progress.ModelVersion));

        string? modelStatus = null, reason = null;
        if (version is not null && await versions.StatusAsync(version.Value, cancellationToken) is { } row)
            (modelStatus, reason) = row;
        if (state == "succeeded" && version is null) phase ??= "skipped";
        return new JobStatusResponse(jobId, state, phase, epoch, rmse, version, modelStatus, reason, error);
    }

    /// <summary>
    /// The retrain running now, or else the one waiting to run; null when there is neither. Whether it was requested
    /// or started by the schedule.
    /// </summary>
    public string? CurrentJobId()
    {
        var monitor = storage.GetMonitoringApi();
        foreach (var (id, job) in monitor.ProcessingJobs(0, 50))
            if (job?.Job?.Type == typeof(RetrainJob)) return id;
        foreach (var (id, job) in monitor.EnqueuedJobs(RetrainJob.Queue, 0, 50))
            if (job?.Job?.Type == typeof(RetrainJob)) return id;
        return null;
    }

    /// <summary>The job's validation RMSE per early-stopping epoch so far (<see cref="RetrainJob.Progress.ValidationCurve"/>); empty before the first.</summary>
    public IReadOnlyList<(int Epoch, double Rmse)> ValidationCurve(string jobId)
    {
        using var connection = storage.GetConnection();
        try
        {
            var json = ParseString(connection.GetJobParameter(jobId, RetrainJob.Progress.ValidationCurve));
            var points = string.IsNullOrEmpty(json) ? null : System.Text.Json.JsonSerializer.Deserialize<double[][]>(json);
            return points is null ? [] : points.Where(p => p.Length == 2).Select(p => ((int)p[0], p[1])).ToList();
        }
        catch (System.Text.Json.JsonException)
        {
            return [];
        }
    }

    // Hangfire stores parameters as JSON text.
    private static string? ParseString(string? json) => json is null ? null : System.Text.Json.JsonSerializer.Deserialize<string>(json);

    private static int? ParseInt(string? json) =>
        int.TryParse(json?.Trim('"'), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static double? ParseDouble(string? json) =>
        double.TryParse(json?.Trim('"'), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
}
