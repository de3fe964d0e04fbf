using Hangfire;
using Microsoft.Extensions.Options;

namespace RecommenderService.Api.Model.Training;

/// <summary>
/// Registers (or updates) the recurring retrain with the configured cron expression. Runs in the background with
/// retries: Hangfire's storage is PostgreSQL, and a database blip at boot must not stop the host (serving from
/// the model and popularity goes on; the schedule is registered once the database answers).
/// </summary>
public sealed class RetrainScheduler(IRecurringJobManager recurringJobs, IOptions<TrainingSettings> settings, ILogger<RetrainScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var cron = settings.Value.Cron;
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                recurringJobs.AddOrUpdate<RetrainJob>(
                    RetrainJob.RecurringId,
                    RetrainJob.Queue,
                    job => job.RunAsync(null, true, null, CancellationToken.None),
                    cron,
                    new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
                logger.LogInformation("Recurring retrain scheduled with cron {Cron} (UTC)", cron);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Could not register the recurring retrain yet ({Error}); retrying in {Seconds} s", ex.Message, delay.TotalSeconds);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromSeconds(Math.Min(60, delay.TotalSeconds * 2));
            }
        }
    }
}
