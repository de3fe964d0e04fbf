using Microsoft.AspNetCore.Authorization;

namespace RecommenderService.Api.Security;

/// <summary>
/// The one place that decides object-level access (OWASP API1): a client or admin key may act on any user;
/// a user token only on the user named by its <c>sub</c>, whether that user is the route's <c>userId</c>
/// or every user of an <see cref="OwnedUsers"/> resource. Routes without a user (catalogue reads) pass.
/// </summary>
public sealed class OwnUserHandler : AuthorizationHandler<OwnUserRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, OwnUserRequirement requirement)
    {
        var user = context.User;
        if (user.IsInRole(ApiKeyDefaults.ClientRole) || user.IsInRole(ApiKeyDefaults.AdminRole))
        {
            context.Succeed(requirement);
            return Task.CompletedTask;
        }
        if (!user.IsInRole(JwtDefaults.UserRole) || user.FindFirst(JwtDefaults.SubjectClaim)?.Value is not { Length: > 0 } subject)
            return Task.CompletedTask;

        IEnumerable<string>? touched = context.Resource switch
        {
            HttpContext http => http.GetRouteValue("userId") is string routeUser ? [routeUser] : [],
            OwnedUsers owned => owned.UserIds,
            _ => null,
        };
        if (touched is not null && touched.All(id => string.Equals(id, subject, StringComparison.Ordinal)))
            context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
