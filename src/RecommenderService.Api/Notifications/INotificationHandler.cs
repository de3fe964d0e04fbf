namespace RecommenderService.Api.Notifications;

/// <summary>Reacts to the notices of one PostgreSQL NOTIFY channel.</summary>
public interface INotificationHandler
{
    string Channel { get; }

    /// <summary>Called on the listener's thread for every notice; must be quick.</summary>
    void Handle(string payload);

    /// <summary>Called after a reconnect, when notices may have been lost.</summary>
    Task ResynchroniseAsync(CancellationToken cancellationToken);
}
