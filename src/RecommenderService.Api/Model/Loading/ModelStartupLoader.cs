namespace RecommenderService.Api.Model.Loading;

/// <summary>A replica that starts loads the active model before it takes traffic (popularity if none).</summary>
public sealed class ModelStartupLoader(ActiveModelLoader loader, ILogger<ModelStartupLoader> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var model = await loader.LoadActiveAsync(cancellationToken);
            if (model is null) logger.LogInformation("No active model yet; recommendations come from popularity");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Serving popularity beats not starting; the lifecycle's poll picks the model up later.
            logger.LogError(ex, "Could not load the active model at start-up");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
