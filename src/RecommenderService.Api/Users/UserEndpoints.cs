using Microsoft.AspNetCore.Http.HttpResults;

using RecommenderService.Api.Security;
using RecommenderService.Api.Users.Erasure;
using RecommenderService.Api.Validation;

namespace RecommenderService.Api.Users;

/// <summary>User erasure (docs/api.md, "Ratings"): admin only.</summary>
public static class UserEndpoints
{
    public static IEndpointRouteBuilder MapUserEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/users")
            .WithTags("Users")
            .RequireAuthorization(ApiKeyDefaults.AdminPolicy);

        group.MapDelete("/{userId}", DeleteUser)
            .WithName("DeleteUser")
            .WithSummary("Erase a user and all their ratings (admin key)")
            .WithDescription("""
                From the moment this answers 204 no replica serves the user from a stored model again (every
                replica is told at once, and the erasure is recorded, as a hash of the id, for replicas that start
                later, for outages and for rollbacks to older models): they get popular items, or, if they rate
                again, a list folded in from those new ratings. 404 when the service has never seen the user.
                """)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    /// <param name="userId" example="196">The user.</param>
    private static async Task<Results<NoContent, ProblemHttpResult, ValidationProblem>> DeleteUser(
        string userId, UserEraser eraser, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.AddIdProblem("userId", userId);
        if (!errors.IsEmpty) return errors.ToProblem("Nothing was deleted.");

        return await eraser.EraseAsync(userId, cancellationToken)
            ? TypedResults.NoContent()
            : TypedResults.Problem(
                title: "User not found",
                detail: $"There is no user '{userId}'.",
                statusCode: StatusCodes.Status404NotFound);
    }
}
