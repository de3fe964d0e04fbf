using System.Buffers;
using Microsoft.Extensions.Options;
using Npgsql;

namespace RecommenderService.Api.Outcomes.Impressions;

/// <summary>
/// Drains <see cref="ImpressionQueue"/> into <c>impressions</c> with binary COPY (<see cref="ImpressionCopyRows"/>), a
/// batch at a time: once an impression is queued the writer gathers for <see cref="OutcomeOptions.FlushMilliseconds"/>
/// (or until <see cref="OutcomeOptions.BatchSize"/> are queued), so a busy replica writes a batch of many lists every
/// few tens of milliseconds and a quiet one writes each list within a moment. A batch that fails is dropped and counted, never retried: impressions are figures, not
/// records anyone is owed, and a retry would hold back every list behind it. Each batch's transaction also leaves out the
/// lists of users erased meanwhile (<see cref="ErasedListFilter"/>) and moves this process's <see cref="ImpressionLedger"/>.
/// On a graceful stop the queue is closed and drained; what the host's stop timeout leaves unwritten stays in the
/// ledger, for the next replica to count.
/// </summary>
public sealed class ImpressionWriter(
    ImpressionQueue queue, ImpressionLedger ledger, ErasedListFilter erasures, NpgsqlDataSource database, OutcomeMetrics metrics,
    IOptions<OutcomeOptions> options, ILogger<ImpressionWriter> logger)
    : BackgroundService
{
    private static readonly TimeSpan PauseAfterFailure = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LedgerStopTimeout = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource _abort = new();
    // One batch's COPY stream, encoded before it is sent; kept from batch to batch at the size of the largest.
    private readonly ArrayBufferWriter<byte> _rows = new(1 << 16);
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
                    var written = await WriteAsync(batch, _abort.Token);
                    ledger.Settle(batch.Count);
                    metrics.Written(written);
                    if (written < batch.Count) metrics.Dropped(OutcomeMetrics.DropReason.Erased, batch.Count - written);
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
                {
                    ledger.Settle(batch.Count);
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
            // Counted from the ledger by the replica that finds it, which outlives this process's metrics.
            if (left > 0) logger.LogWarning("Stopping: {Impressions} impression(s) were not written in time and are dropped", left);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // What is queued is written at once, without gathering.
        _stopping = true;
        queue.Complete();
        await using (cancellationToken.Register(_abort.Cancel))
            await base.StopAsync(cancellationToken);
        if (!queue.Enabled) return;
        try
        {
            // Its own short deadline: the host's may be spent on the drain.
            using var deadline = new CancellationTokenSource(LedgerStopTimeout);
            await ledger.StopAsync(deadline.Token);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            logger.LogWarning("Could not close the impression ledger; another replica will take it for a crash: {Error}", ex.Message);
        }
    }

    public override void Dispose()
    {
        _abort.Dispose();
        base.Dispose();
    }

    /// <summary>Writes the impressions of <paramref name="batch"/> that may be written, in one transaction with the ledger; returns how many.</summary>
    private async Task<int> WriteAsync(List<Impression> batch, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var keep = await erasures.KeepAsync(batch, connection, transaction, cancellationToken);
        if (keep.Count > 0) await CopyAsync(connection, keep, cancellationToken);
        await using (var update = new NpgsqlBatch(connection, transaction) { BatchCommands = { ledger.UpdateCommand(batch.Count) } })
            await update.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return keep.Count;
    }

    private async Task CopyAsync(NpgsqlConnection connection, List<Impression> batch, CancellationToken cancellationToken)
    {
        _rows.ResetWrittenCount();
        ImpressionCopyRows.Write(_rows, batch);
        await using var copy = await connection.BeginRawBinaryCopyAsync(ImpressionCopyRows.Sql, cancellationToken);
        await copy.WriteAsync(_rows.WrittenMemory, cancellationToken);
    }
}
