using RecommenderService.Api.Notifications;

namespace RecommenderService.Api.Users;

/// <summary>Drops exactly the cached users a notice names (see <see cref="RatingChangeChannel"/>).</summary>
public sealed class RatingChangeHandler(UserRatingsCache cache, ILogger<RatingChangeHandler> logger) : INotificationHandler
{
    public string Channel => NotificationChannels.RatingChanges;

    public void Handle(string payload)
    {
        if (RatingChangeChannel.TryDecode(payload, out var users))
        {
            foreach (var user in users) cache.Invalidate(user);
            return;
        }
        // Not a notice this version sends. A replica of the previous version (during a rolling upgrade)
        // sends one raw user id per notice: drop that id, and only that id (its "*" is a user like any other).
        logger.LogDebug("Rating notice in the previous format; dropping the one user it names");
        cache.Invalidate(payload);
    }

    public Task ResynchroniseAsync(CancellationToken cancellationToken)
    {
        cache.Clear();
        return Task.CompletedTask;
    }
}
