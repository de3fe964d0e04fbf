namespace RecommenderService.Api.Users.Erasure;

/// <summary>
/// Reads the erased users before the replica takes traffic. If the database is not reachable yet, it keeps
/// trying in the background until a read succeeds (the notification listener also reads them again after
/// every reconnect); until then no stored model vector is served (<see cref="ErasedUsers.MayUseStoredVector"/>).
/// </summary>
public sealed class ErasureStartupLoader(ErasedUsers erased, ILogger<ErasureStartupLoader> logger) : IHostedService
{
    // Not disposed: the host may stop a service after disposing the container; a token source without a
    // timer holds nothing that needs it.
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _retrying;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await TryLoadAsync(cancellationToken)) return;
        _retrying = Task.Run(async () =>
        {
            while (!erased.IsLoaded && !_stopping.IsCancellationRequested)
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
            await erased.LoadAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Could not read the erased users ({Error}); no stored vector is served until they are read", ex.Message);
            return false;
        }
    }
}
