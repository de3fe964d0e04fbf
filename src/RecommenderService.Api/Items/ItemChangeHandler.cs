using RecommenderService.Api.Items.Availability;
using RecommenderService.Api.Notifications;

namespace RecommenderService.Api.Items;

/// <summary>
/// Drops cached titles of items changed in any replica, has items served from attributes re-read, and has their
/// availability re-read.
/// </summary>
public sealed class ItemChangeHandler(ItemTitles titles, IItemChangeListener coldItems, ItemAvailability availability) : INotificationHandler
{
    public string Channel => NotificationChannels.ItemChanges;

    public void Handle(string payload)
    {
        titles.Invalidate(payload);
        coldItems.ItemChanged(payload);
        availability.ItemChanged(payload);
    }

    public Task ResynchroniseAsync(CancellationToken cancellationToken)
    {
        titles.Clear();
        coldItems.Resynchronise();
        availability.Resynchronise();
        return Task.CompletedTask;
    }
}
