using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace RecommenderService.Api.Outcomes.Impressions;

/// <summary>
/// Drains <see cref="ImpressionQueue"/> into <c>impressions</c> with binary COPY, a batch at a time: once an impression
/// is queued the writer gathers for <see cref="OutcomeOptions.FlushMilliseconds"/> (or until
/// <see cref="OutcomeOptions.BatchSize"/> are queued), so a busy replica writes a few large batches a second and a quiet
/// one writes each list within a moment. A batch that fails is dropped and counted, never retried: impressions are figures, not
/// records anyone is owed, and a retry would hold back every list behind it. On a graceful stop the queue is closed
/// and drained; what the host's stop timeout leaves unwritten is counted as dropped.
/// </summary>
public sealed class ImpressionWriter(
    ImpressionQueue queue, NpgsqlDataSource database, OutcomeMetrics metrics, IOptions<OutcomeOptions> options, ILogger<ImpressionWriter> logger)
    : BackgroundService
{
    private const string CopySql =
        "COPY impressions (id, user_id, list, strategy, source, model_version, experiment_id, arm, items, served_at) FROM STDIN (FORMAT BINARY)";

    private static readonly TimeSpan PauseAfterFailure = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _abort = new();
    private volatile bool _stopping;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Not the stopping token: on a stop the queue is completed instead, so what is queued is still written.
        var reader = queue.Reader;
        var batch = new List<Impression>(Math.Min(options.Value.BatchSize, 1024));
        try
        {
            var linger = TimeSpan.FromMilliseconds(options.Value.FlushMilliseconds);
            while (await reader.WaitToReadAsync(_abort.Token))
            {
                if (linger > TimeSpan.Zero && reader.Count < options.Value.BatchSize && !_stopping)
                    await Task.Delay(linger, _abort.Token);
                while (batch.Count < options.Value.BatchSize && reader.TryRead(out var impression)) batch.Add(impression);
                try
                {
                    await WriteAsync(batch, _abort.Token);
                    metrics.Written(batch.Count);
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
                {
                    metrics.Dropped(OutcomeMetrics.DropReason.WriteFailed, batch.Count);
                    logger.LogWarning("Could not write {Impressions} impression(s); dropped them: {Error}", batch.Count, ex.Message);
                    batch.Clear();
                    await Task.Delay(PauseAfterFailure, _abort.Token);
                }
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            var left = batch.Count;
            while (reader.TryRead(out _)) left++;
            if (left > 0)
            {
                metrics.Dropped(OutcomeMetrics.DropReason.Shutdown, left);
                logger.LogWarning("Stopping: {Impressions} impression(s) were not written in time and are dropped", left);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // What is queued is written at once, without gathering.
        _stopping = true;
        queue.Complete();
        await using var registration = cancellationToken.Register(_abort.Cancel);
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _abort.Dispose();
        base.Dispose();
    }

    private async Task WriteAsync(List<Impression> batch, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var importer = await connection.BeginBinaryImportAsync(CopySql, cancellationToken);
        // Field writes go to the importer's buffer and reach the socket only when it fills: the synchronous calls cost
        // less per field than their async forms, and this is a background thread.
        foreach (var impression in batch)
        {
            importer.StartRow();
            importer.Write(impression.Id, NpgsqlDbType.Uuid);
            WriteNullable(importer, impression.UserId, NpgsqlDbType.Varchar);
            importer.Write(impression.List, NpgsqlDbType.Varchar);
            importer.Write(impression.Strategy, NpgsqlDbType.Varchar);
            importer.Write(impression.Source, NpgsqlDbType.Varchar);
            WriteNullable(importer, impression.ModelVersion, NpgsqlDbType.Integer);
            WriteNullable(importer, impression.ExperimentId, NpgsqlDbType.Bigint);
            WriteNullable(importer, impression.Arm, NpgsqlDbType.Varchar);
            importer.Write(impression.Items, NpgsqlDbType.Array | NpgsqlDbType.Text);
            importer.Write(impression.ServedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz);
        }
        await importer.CompleteAsync(cancellationToken);
    }

    private static void WriteNullable<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type) where T : struct
    {
        if (value is { } present) importer.Write(present, type);
        else importer.WriteNull();
    }

    private static void WriteNullable(NpgsqlBinaryImporter importer, string? value, NpgsqlDbType type)
    {
        if (value is null) importer.WriteNull();
        else importer.Write(value, type);
    }
}
