using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using RecommenderService.Api.Security;
using RecommenderService.Api.Validation;

namespace RecommenderService.Api.Users;

/// <summary>User profiles (docs/api.md, "Users"): a user token reads and writes its own user's, keys any user's.</summary>
public static class UserProfileEndpoints
{
    public const long MaxProfileBodyBytes = 16 * 1024;

    public static IEndpointRouteBuilder MapUserProfileEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/users")
            .WithTags("Users")
            .RequireAuthorization(JwtDefaults.EndUserPolicy);

        group.MapPut("/{userId}", PutProfile)
            .WithName("PutUserProfile")
            .WithSummary("Store what a user tells about themselves (profile attributes, onboarding likes)")
            .WithDescription("""
                Replaces the user's profile; 201 when they had none, 200 otherwise. Users the service has not seen are
                created. A user with a profile and no ratings gets lists and predictions from it once a model trained
                with profiles is active (strategy `profile`, or `onboarding` when `likes` names item attributes the model
                knows); as they rate, the profile is the prior their ratings are folded in from. Numbers become bands
                (`age` 18-24, 25-34, ...), postal codes (`zip`, `postcode`) their first 1-3 characters, strings and
                arrays of strings one token per value. A wrong value is named in `errors` and nothing is stored.
                """)
            .Accepts<UserProfileRequest>("application/json")
            .WithMetadata(new RequestSizeLimitAttribute(MaxProfileBodyBytes));

        group.MapGet("/{userId}", GetProfile)
            .WithName("GetUserProfile")
            .WithSummary("Read a user's stored profile")
            .WithDescription("404 when the user has no profile.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    /// <param name="userId" example="196">The user: your own id, 1-128 characters without whitespace.</param>
    private static async Task<Results<Created<UserProfileResponse>, Ok<UserProfileResponse>, ValidationProblem>> PutProfile(
        string userId, UserProfileRequest? body, UserProfileStore profiles, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.AddIdProblem("userId", userId);
        if (body is null) errors.Add("body", "A JSON body {\"attributes\": {...}} is required.");
        else UserProfileRules.Check(body.Attributes, errors);
        if (!errors.IsEmpty) return errors.ToProblem("The profile is not valid; nothing was stored.");

        var created = await profiles.PutAsync(userId, body!.Attributes!.Value, cancellationToken);
        var stored = (await profiles.GetAsync(userId, cancellationToken))!;
        return created
            ? TypedResults.Created($"/api/v1/users/{Uri.EscapeDataString(userId)}", stored)
            : TypedResults.Ok(stored);
    }

    /// <param name="userId" example="196">The user.</param>
    private static async Task<Results<Ok<UserProfileResponse>, ValidationProblem, ProblemHttpResult>> GetProfile(
        string userId, UserProfileStore profiles, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.AddIdProblem("userId", userId);
        if (!errors.IsEmpty) return errors.ToProblem("The user id is not valid.");

        return await profiles.GetAsync(userId, cancellationToken) is { } profile
            ? TypedResults.Ok(profile)
            : TypedResults.Problem(title: "No profile", detail: $"User '{userId}' has no profile.", statusCode: StatusCodes.Status404NotFound);
    }
}
