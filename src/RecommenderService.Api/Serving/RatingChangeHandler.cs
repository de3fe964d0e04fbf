using RecommenderService.Api.Infrastructure;

namespace RecommenderService.Api.Serving;

/// <summary>Drops cached users whose ratings changed in any replica.</summary>
public sealed class RatingChangeHandler(UserRatingsCache cache) : INotificationHandler
{
    public string Channel => RatingChangeChannel.Name;

    public void Handle(string payload)
    {
        if (payload == RatingChangeChannel.AllUsers) cache.Clear();
        else cache.Invalidate(payload);
    }

    public Task ResynchroniseAsync(CancellationToken cancellationToken)
    {
        cache.Clear();
        return Task.CompletedTask;
    }
}
