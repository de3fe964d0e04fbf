using RecommenderService.Api.Notifications;

namespace RecommenderService.Api.Model.Loading;

/// <summary>Reloads the model when any replica announces an activation.</summary>
public sealed class ModelChangeHandler(ModelRefresher refresher) : INotificationHandler
{
    public string Channel => NotificationChannels.ModelChanges;

    public void Handle(string payload) => refresher.RequestRefresh();

    public Task ResynchroniseAsync(CancellationToken cancellationToken)
    {
        refresher.RequestRefresh();
        return Task.CompletedTask;
    }
}
