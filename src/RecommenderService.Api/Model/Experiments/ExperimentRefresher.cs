using System.Threading.Channels;

using Npgsql;

using RecommenderService.Api.Model.Loading;

namespace RecommenderService.Api.Model.Experiments;

/// <summary>
/// Keeps <see cref="ExperimentState"/> on the running experiment: re-reads it when any replica announces a change
/// (<see cref="ExperimentChangeHandler"/>), at start-up, after a lost notice, and every <see cref="PollInterval"/> as a
/// safety net; loads the treatment version (kept while the same experiment runs) before the state names it, so a
/// request never finds an experiment without its model. Refreshes never overlap.
/// </summary>
public sealed class ExperimentRefresher(ExperimentStore store, ExperimentState state, ActiveModelLoader loader, ILogger<ExperimentRefresher> logger)
    : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Channel<bool> _requests = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Asks for a re-read soon (cheap; called on the notification thread).</summary>
    public void RequestRefresh() => _requests.Writer.TryWrite(true);

    /// <summary>Re-reads the running experiment now and returns once this replica serves it (or none).</summary>
    public async Task RefreshNowAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var running = await store.RunningAsync(cancellationToken);
            if (running is null)
            {
                if (state.Current is { } ended) logger.LogInformation("Experiment {Experiment} is over; every user is served the active version", ended.Id);
                state.Set(null);
                return;
            }
            var current = state.Current;
            if (current?.Id == running.Id) return;
            var treatment = current?.Treatment.Version == running.TreatmentVersion
                ? current.Treatment
                : await loader.ReadAsync(running.TreatmentVersion, cancellationToken);
            if (treatment is null)
            {
                logger.LogError("Experiment {Experiment}: version {Version} could not be loaded; this replica serves every user the active version",
                    running.Id, running.TreatmentVersion);
                state.Set(null);
                return;
            }
            state.Set(new RunningExperiment(running.Id, running.ControlVersion, treatment, running.Share));
            logger.LogInformation("Experiment {Experiment}: version {Treatment} serves {Share:P1} of users, version {Control} the rest",
                running.Id, running.TreatmentVersion, running.Share, running.ControlVersion);
        }
        finally
        {
            _gate.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RefreshNowAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                // The database may be down: the experiment in memory keeps serving until it can be read again.
                logger.LogWarning("Could not read the running experiment: {Error}", ex.Message);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(PollInterval);
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
        }
    }
}
