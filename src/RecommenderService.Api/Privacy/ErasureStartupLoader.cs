namespace RecommenderService.Api.Privacy;

/// <summary>
/// Reads the erased users before the replica takes traffic. If the database is not reachable yet, the
/// notification listener reads them once it connects (it resynchronises every handler after a failed
/// connection); until then no stored model vector is served.
/// </summary>
public sealed class ErasureStartupLoader(ErasedUsers erased, ILogger<ErasureStartupLoader> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await erased.LoadAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError("Could not read the erased users at start-up ({Error}); no stored vector is served until they are read", ex.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
