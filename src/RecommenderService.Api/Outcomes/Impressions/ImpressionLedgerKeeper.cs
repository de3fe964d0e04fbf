using Microsoft.Extensions.Options;
using Npgsql;

namespace RecommenderService.Api.Outcomes.Impressions;

/// <summary>
/// Every <see cref="OutcomeOptions.LedgerSeconds"/>: writes this replica's <see cref="ImpressionLedger"/> (when it
/// records impressions), then counts what replicas that stopped or went silent left unwritten. Also at start, so a
/// replica restarted after a crash reports its predecessor's loss.
/// </summary>
public sealed class ImpressionLedgerKeeper(ImpressionLedger ledger, ImpressionQueue queue, IOptions<OutcomeOptions> options,
    ILogger<ImpressionLedgerKeeper> logger) : BackgroundService
{
    /// <summary>Heartbeats a ledger may miss before its process is taken for gone.</summary>
    public const int SilentHeartbeats = 3;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromSeconds(options.Value.LedgerSeconds);
        using var timer = new PeriodicTimer(every);
        do
        {
            try
            {
                if (queue.Enabled) await ledger.ReportAsync(stoppingToken);
                await ledger.ReconcileAsync(every * SilentHeartbeats, stoppingToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                logger.LogWarning("Could not write or reconcile impression ledgers: {Error}", ex.Message);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
