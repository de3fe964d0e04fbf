using System.Threading.Channels;
using Microsoft.Extensions.Options;
using RecommenderService.Api.Model.Training;
using RecommenderService.Api.Model.Versions;

namespace RecommenderService.Api.Model.Loading;

/// <summary>
/// Keeps this replica on the active version: reloads when an activation is announced (NOTIFY) and, as a
/// safety net for a missed notice, every <see cref="TrainingSettings.PollSeconds"/>. Loads never overlap.
/// </summary>
public sealed class ModelRefresher(ActiveModelLoader loader, IOptions<TrainingSettings> settings, ILogger<ModelRefresher> logger) : BackgroundService
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Channel<bool> _requests = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    // Newest announced version to preload (0: none); the refresh loop takes it, so preloads run one at a time,
    // never beside a load, and stop with the host.
    private int _preload;

    /// <summary>Asks for a reload soon (cheap; called from the notification thread).</summary>
    public void RequestRefresh() => _requests.Writer.TryWrite(true);

    /// <summary>Asks for <paramref name="version"/> to be loaded into the standby slot soon (cheap; notification thread).</summary>
    public void RequestPreload(int version)
    {
        Volatile.Write(ref _preload, version);
        _requests.Writer.TryWrite(true);
    }

    /// <summary>Reloads now and returns once this replica serves the active version.</summary>
    public async Task RefreshNowAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await loader.LoadActiveAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="activate"/> and, when it activated a version, loads it here before anything else may load:
    /// the refresh the activation's own NOTIFY triggers waits for the gate and then finds the version served. So the
    /// replica that activates always swaps inside its rollout (one trace, one swap-delay sample), never on a
    /// background refresh that happened to win the race.
    /// </summary>
    public async Task<ActivationResult> ActivateAndServeAsync(Func<Task<ActivationResult>> activate, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var result = await activate();
            if (result.Activated) await loader.LoadActiveAsync(cancellationToken);
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromSeconds(settings.Value.PollSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(poll);
            try
            {
                await _requests.Reader.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // Poll interval elapsed without a notice: check anyway.
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var preload = Interlocked.Exchange(ref _preload, 0);
            if (preload > 0)
            {
                try
                {
                    await _gate.WaitAsync(stoppingToken);
                    try
                    {
                        await loader.PreloadAsync(preload, stoppingToken);
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Not fatal: the rollout waits for this replica until its deadline, then the switch loads it cold.
                    logger.LogWarning("Preloading model version {Version} failed: {Error}", preload, ex.Message);
                }
            }

            try
            {
                await RefreshNowAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The database may be down: the model in memory keeps serving.
                logger.LogWarning("Could not check the active model version: {Error}", ex.Message);
            }
        }
    }
}
