namespace RecommenderService.Engine;

/// <summary>
/// A user's tokens (<see cref="UserAttributeTokens"/>): <paramref name="Profile"/> for the user attribute map,
/// <paramref name="Likes"/> (item attribute tokens of their onboarding picks) for the item attribute map.
/// </summary>
public sealed record ProfileTokens(string[] Profile, string[] Likes)
{
    public static ProfileTokens None { get; } = new([], []);

    public bool IsEmpty => Profile.Length == 0 && Likes.Length == 0;
}
