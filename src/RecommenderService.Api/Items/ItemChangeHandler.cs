using RecommenderService.Api.Model.Loading;
using RecommenderService.Api.Notifications;

namespace RecommenderService.Api.Items;

/// <summary>Drops cached titles of items changed in any replica and has items served from attributes re-read.</summary>
public sealed class ItemChangeHandler(ItemTitles titles, ColdItemOverlay coldItems) : INotificationHandler
{
    public string Channel => NotificationChannels.ItemChanges;

    public void Handle(string payload)
    {
        titles.Invalidate(payload);
        coldItems.ItemChanged(payload);
    }

    public Task ResynchroniseAsync(CancellationToken cancellationToken)
    {
        titles.Clear();
        coldItems.Resynchronise();
        return Task.CompletedTask;
    }
}
