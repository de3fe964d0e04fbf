using RecommenderService.Engine;

namespace RecommenderService.Api.Users;

/// <summary>
/// A user's current ratings and profile as the serving path sees them (read once, cached until either
/// changes), and the per-model view derived from them.
/// </summary>
public sealed class UserRatings
{
    public static UserRatings Unknown(string userId) => new(userId, null, [], []);

    public UserRatings(string userId, DateTimeOffset? changedAt, string[] itemIds, float[] values, ProfileTokens? profile = null)
    {
        UserId = userId;
        ChangedAt = changedAt;
        ItemIds = itemIds;
        Values = values;
        Profile = profile ?? ProfileTokens.None;
    }

    /// <summary>
    /// The tokens of the user's stored profile (<c>PUT /api/v1/users/{userId}</c>): the prior of their fold-in, and their
    /// list before they rate anything. A profile write drops the cached user like a rating write does.
    /// </summary>
    public ProfileTokens Profile { get; }

    public string UserId { get; }

    /// <summary>Last write or deletion of one of the user's ratings.</summary>
    public DateTimeOffset? ChangedAt { get; }

    public string[] ItemIds { get; }
    public float[] Values { get; }

    public int Count => ItemIds.Length;

    private object? _derived;

    /// <summary>
    /// What the serving path derived from these ratings for the model it serves (its <c>UserModelView</c>), kept on them
    /// so it lives exactly as long as they stay cached and a rating change starts afresh; typed loosely because the
    /// user's data sits below the serving path that reads it.
    /// </summary>
    public object? Derived
    {
        get => Volatile.Read(ref _derived);
        set => Volatile.Write(ref _derived, value);
    }
}
