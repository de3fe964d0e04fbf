using RecommenderService.Api.Notifications;

namespace RecommenderService.Api.Model.Experiments;

/// <summary>Re-reads the running experiment when any replica announces a change.</summary>
public sealed class ExperimentChangeHandler(ExperimentRefresher refresher) : INotificationHandler
{
    public string Channel => NotificationChannels.ExperimentChanges;

    public void Handle(string payload) => refresher.RequestRefresh();

    public Task ResynchroniseAsync(CancellationToken cancellationToken)
    {
        refresher.RequestRefresh();
        return Task.CompletedTask;
    }
}
