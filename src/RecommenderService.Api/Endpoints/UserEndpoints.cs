using Microsoft.AspNetCore.Http.HttpResults;
using RecommenderService.Api.Ingest;
using RecommenderService.Api.Security;
using RecommenderService.Api.Validation;

namespace RecommenderService.Api.Endpoints;

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
                From the moment this answers 204 the user gets no personalised results anywhere; what the model learned
                from them is dropped at the next model update. 404 when the service has never seen the user.
                """)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    /// <param name="userId" example="196">The user.</param>
    private static async Task<Results<NoContent, ProblemHttpResult, ValidationProblem>> DeleteUser(
        string userId, RatingWriter writer, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.AddIdProblem("userId", userId);
        if (!errors.IsEmpty) return errors.ToProblem("Nothing was deleted.");

        return await writer.DeleteUserAsync(userId, cancellationToken)
            ? TypedResults.NoContent()
            : TypedResults.Problem(
                title: "User not found",
                detail: $"There is no user '{userId}'.",
                statusCode: StatusCodes.Status404NotFound);
    }
}
