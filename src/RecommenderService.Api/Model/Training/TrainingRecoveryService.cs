using Microsoft.Extensions.Options;

namespace RecommenderService.Api.Model.Training;

/// <summary>Runs <see cref="TrainingRecovery"/> every <see cref="TrainingSettings.RecoverySeconds"/> on replicas that run jobs.</summary>
public sealed class TrainingRecoveryService(TrainingRecovery recovery, IOptions<TrainingSettings> settings, ILogger<TrainingRecoveryService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.Value.RecoverySeconds));
        do
        {
            try
            {
                await recovery.RecoverAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogDebug("Training recovery check failed: {Error}", ex.Message);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
