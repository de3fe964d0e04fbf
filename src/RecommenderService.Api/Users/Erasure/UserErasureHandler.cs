using RecommenderService.Api.Notifications;

namespace RecommenderService.Api.Users.Erasure;

/// <summary>Hears erasures committed by any replica; after a missed notice, reads them all again.</summary>
public sealed class UserErasureHandler(ErasedUsers erased) : INotificationHandler
{
    public string Channel => NotificationChannels.UserErasures;

    public void Handle(string payload) => erased.Add(payload);

    public Task ResynchroniseAsync(CancellationToken cancellationToken) => erased.LoadAsync(cancellationToken);
}
