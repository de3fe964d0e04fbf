using RecommenderService.Api.Notifications;

namespace RecommenderService.Api.Items.PopularItems;

/// <summary>Recomputes the popular list (debounced) when any replica's write changed item statistics.</summary>
public sealed class ItemStatsChangeHandler(PopularityCache popularity) : INotificationHandler
{
    public string Channel => NotificationChannels.ItemStatsChanged;

    public void Handle(string payload) => popularity.RequestRefresh();

    public Task ResynchroniseAsync(CancellationToken cancellationToken)
    {
        popularity.RequestRefresh();
        return Task.CompletedTask;
    }
}
