using Hangfire;
using Microsoft.Extensions.Options;

using RecommenderService.Api.Serving;
using RecommenderService.Api.Infrastructure;

namespace RecommenderService.Api.Lifecycle;

/// <summary>Registers (or updates) the recurring retrain with the configured cron expression at start-up.</summary>
public sealed class RetrainScheduler(IRecurringJobManager recurringJobs, IOptions<TrainingSettings> settings, ILogger<RetrainScheduler> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var cron = settings.Value.Cron;
        recurringJobs.AddOrUpdate<RetrainJob>(
            RetrainJob.RecurringId,
            RetrainJob.Queue,
            job => job.RunAsync(null, true, null, CancellationToken.None),
            cron,
            new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
        logger.LogInformation("Recurring retrain scheduled with cron {Cron} (UTC)", cron);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
