namespace RecommenderService.Api.Security;

/// <summary>
/// The users a request touches when they are in its body rather than its route (a rating batch), so
/// <see cref="OwnUserHandler"/> decides for those too.
/// </summary>
public sealed record OwnedUsers(IReadOnlyCollection<string> UserIds);
