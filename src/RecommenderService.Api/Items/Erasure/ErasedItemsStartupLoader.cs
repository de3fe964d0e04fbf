namespace RecommenderService.Api.Items.Erasure;

/// <summary>
/// Reads the erased items before the replica takes traffic; if the database is not reachable yet, keeps trying in the
/// background (the notification listener also reads them again after every reconnect).
/// </summary>
public sealed class ErasedItemsStartupLoader(ErasedItems erased, ILogger<ErasedItemsStartupLoader> logger) : IHostedService
{
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
            logger.LogWarning("Could not read the erased items ({Error}); trying again", ex.Message);
            return false;
        }
    }
}
