using System.Threading.Channels;
using Microsoft.Extensions.Options;
using RecommenderService.Api.Model.Loading;
using RecommenderService.Api.Model.Training;

namespace RecommenderService.Api.Model.Rollout;

/// <summary>
/// Reports this replica to <see cref="ReplicaRegistry"/> every <see cref="TrainingSettings.HeartbeatSeconds"/>, and at
/// once whenever the models it holds change (a preload or a swap), so a waiting rollout hears about it within
/// milliseconds. Removes the row at shutdown.
/// </summary>
public sealed class ReplicaHeartbeat(ReplicaRegistry registry, ModelHolder holder, IOptions<TrainingSettings> settings, ILogger<ReplicaHeartbeat> logger)
    : BackgroundService
{
    private readonly Channel<bool> _changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Asks for a report now (cheap; called after every load).</summary>
    public void ModelsChanged() => _changes.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        holder.Changed += ModelsChanged;
        var interval = TimeSpan.FromSeconds(settings.Value.HeartbeatSeconds);
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await registry.ReportAsync(holder.Current?.Version, holder.Standby?.Version, stoppingToken);
                failing = false;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The database may be down: serving goes on, and the next beat reports again. Said once per
                // outage, not every beat.
                if (!failing) logger.LogWarning("Replica heartbeat failed (rollouts will not wait for this replica until it reports again): {Error}", ex.Message);
                failing = true;
            }
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            wait.CancelAfter(interval);
            try
            {
                await _changes.Reader.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The interval elapsed: beat anyway.
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await registry.RemoveAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogDebug("Could not remove this replica's row: {Error}", ex.Message);
        }
    }
}
