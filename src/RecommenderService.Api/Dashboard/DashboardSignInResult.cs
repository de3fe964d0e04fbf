using System.Security.Claims;

namespace RecommenderService.Api.Dashboard;

/// <summary>What a sign-in attempt came to: a principal for the session, or the status and words of a refusal.</summary>
public sealed record DashboardSignInResult(ClaimsPrincipal? Principal, DateTimeOffset? ExpiresAt, int Status, string? Problem)
{
    public static DashboardSignInResult Success(ClaimsPrincipal principal, DateTimeOffset? expiresAt) => new(principal, expiresAt, StatusCodes.Status200OK, null);

    public static DashboardSignInResult Refused(int status, string problem) => new(null, null, status, problem);
}
