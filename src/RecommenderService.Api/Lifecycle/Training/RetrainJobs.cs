using System.Globalization;
using Hangfire;
using Hangfire.States;
using Hangfire.Storage;
using Npgsql;
using RecommenderService.Api.Contracts;

using RecommenderService.Api.Serving;
using RecommenderService.Api.Infrastructure;

namespace RecommenderService.Api.Lifecycle;

/// <summary>Queues retrains (never two at once) and reports their state from Hangfire's storage.</summary>
public sealed class RetrainJobs(JobStorage storage, IBackgroundJobClient client, NpgsqlDataSource database)
{
    private const string LastRequestHash = "recommender:retrain-request";

    /// <summary>The queued or running retrain if there is one, otherwise a new one.</summary>
    public RetrainAccepted Request(RetrainParameters? parameters)
    {
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
        if (version is not null)
        {
            await using var command = database.CreateCommand("SELECT status, reason FROM model_versions WHERE version = $1");
            command.Parameters.Add(new NpgsqlParameter { Value = version.Value });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                modelStatus = reader.GetString(0);
                reason = reader.IsDBNull(1) ? null : reader.GetString(1);
            }
        }
        if (state == "succeeded" && version is null) phase ??= "skipped";
        return new JobStatusResponse(jobId, state, phase, epoch, rmse, version, modelStatus, reason, error);
    }

    // Hangfire stores parameters as JSON text.
    private static string? ParseString(string? json) => json is null ? null : System.Text.Json.JsonSerializer.Deserialize<string>(json);

    private static int? ParseInt(string? json) =>
        int.TryParse(json?.Trim('"'), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static double? ParseDouble(string? json) =>
        double.TryParse(json?.Trim('"'), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
}
