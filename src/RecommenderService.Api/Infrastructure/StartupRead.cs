namespace RecommenderService.Api.Infrastructure;

/// <summary>
/// Reads a set the replica needs before it takes traffic; if the database is not reachable yet, keeps trying in the
/// background until a read succeeds (the notification listener also reads such sets again after every reconnect).
/// </summary>
public abstract class StartupRead(ILogger logger) : IHostedService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);
    // Not disposed: the host may stop a service after disposing the container; a token source without a
    // timer holds nothing that needs it.
    private readonly CancellationTokenSource _stopping = new();
    private Task? _retrying;

    /// <summary>What is read, for the log ("the erased users").</summary>
    protected abstract string What { get; }

    /// <summary>What serving does without it, for the log.</summary>
    protected abstract string Meanwhile { get; }

    protected abstract bool IsLoaded { get; }

    protected abstract Task LoadAsync(CancellationToken cancellationToken);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await TryLoadAsync(cancellationToken)) return;
        _retrying = Task.Run(async () =>
        {
            while (!IsLoaded && !_stopping.IsCancellationRequested)
            {
                await Task.Delay(RetryDelay, _stopping.Token);
                await TryLoadAsync(_stopping.Token);
            }
        });
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_retrying is not null)
            await _retrying.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task<bool> TryLoadAsync(CancellationToken cancellationToken)
    {
        try
        {
            await LoadAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Could not read {What} ({Error}); {Meanwhile}", What, ex.Message, Meanwhile);
            return false;
        }
    }
}
