using System.Globalization;
using RecommenderService.Api.Notifications;

namespace RecommenderService.Api.Model.Loading;

/// <summary>Loads a freshly stored, accepted version into the standby slot before its activation.</summary>
public sealed class ModelStoredHandler(ModelRefresher refresher) : INotificationHandler
{
    public string Channel => NotificationChannels.ModelStored;

    public void Handle(string payload)
    {
        if (int.TryParse(payload, NumberStyles.Integer, CultureInfo.InvariantCulture, out var version))
            refresher.RequestPreload(version);
    }

    // A missed preload only costs time: the activation then loads the model the usual way.
    public Task ResynchroniseAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
