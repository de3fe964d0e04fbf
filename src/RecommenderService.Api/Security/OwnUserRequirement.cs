using Microsoft.AspNetCore.Authorization;

namespace RecommenderService.Api.Security;

/// <summary>A user token may only act on its own user; API keys (servers) may act on any. See <see cref="OwnUserHandler"/>.</summary>
public sealed class OwnUserRequirement : IAuthorizationRequirement;
