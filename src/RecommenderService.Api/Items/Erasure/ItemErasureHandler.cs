using RecommenderService.Api.Notifications;

namespace RecommenderService.Api.Items.Erasure;

/// <summary>Hears item erasures committed by any replica; after a missed notice, reads them all again.</summary>
public sealed class ItemErasureHandler(ErasedItems erased) : INotificationHandler
{
    public string Channel => NotificationChannels.ItemErasures;

    public void Handle(string payload) => erased.Add(payload);

    public Task ResynchroniseAsync(CancellationToken cancellationToken) => erased.LoadAsync(cancellationToken);
}
