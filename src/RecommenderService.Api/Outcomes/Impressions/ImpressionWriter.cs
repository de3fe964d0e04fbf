using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace RecommenderService.Api.Outcomes.Impressions;

/// <summary>
/// Drains <see cref="ImpressionQueue"/> into <c>impressions</c> with binary COPY, a batch at a time (whatever is queued,
/// up to <see cref="OutcomeOptions.BatchSize"/>), so a busy replica writes few large batches and a quiet one writes
/// each list within moments. A batch that fails is dropped and counted, never retried: impressions are figures, not
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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Not the stopping token: on a stop the queue is completed instead, so what is queued is still written.
        var reader = queue.Reader;
        var batch = new List<Impression>(Math.Min(options.Value.BatchSize, 1024));
        try
        {
            while (await reader.WaitToReadAsync(_abort.Token))
            {
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
        foreach (var impression in batch)
        {
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(impression.Id, NpgsqlDbType.Uuid, cancellationToken);
            await WriteNullableAsync(importer, impression.UserId, NpgsqlDbType.Varchar, cancellationToken);
            await importer.WriteAsync(impression.List, NpgsqlDbType.Varchar, cancellationToken);
            await importer.WriteAsync(impression.Strategy, NpgsqlDbType.Varchar, cancellationToken);
            await importer.WriteAsync(impression.Source, NpgsqlDbType.Varchar, cancellationToken);
            await WriteNullableAsync(importer, impression.ModelVersion, NpgsqlDbType.Integer, cancellationToken);
            await WriteNullableAsync(importer, impression.ExperimentId, NpgsqlDbType.Bigint, cancellationToken);
            await WriteNullableAsync(importer, impression.Arm, NpgsqlDbType.Varchar, cancellationToken);
            await importer.WriteAsync(impression.Items, NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(impression.ServedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
        }
        await importer.CompleteAsync(cancellationToken);
    }

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type, CancellationToken cancellationToken)
        where T : struct =>
        value is { } present ? importer.WriteAsync(present, type, cancellationToken) : importer.WriteNullAsync(cancellationToken);

    private static Task WriteNullableAsync(NpgsqlBinaryImporter importer, string? value, NpgsqlDbType type, CancellationToken cancellationToken) =>
        value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(value, type, cancellationToken);
}
