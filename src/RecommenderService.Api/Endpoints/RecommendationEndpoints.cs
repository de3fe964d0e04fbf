using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using RecommenderService.Api.Contracts;
using RecommenderService.Api.Security;
using RecommenderService.Api.Serving;
using RecommenderService.Api.Serving.Feeds;
using RecommenderService.Api.Validation;

namespace RecommenderService.Api.Endpoints;

/// <summary>Personalised lists and predicted ratings (API.md, "Recommendations").</summary>
public static class RecommendationEndpoints
{
    public static IEndpointRouteBuilder MapRecommendationEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/users/{userId}")
            .WithTags("Recommendations")
            .RequireAuthorization(JwtDefaults.EndUserPolicy);

        group.MapGet("/recommendations", GetRecommendations)
            .WithName("GetRecommendations")
            .WithSummary("The user's top items: from the model, folded in from fresh ratings, or popular items for a new user")
            .WithDescription("strategy tells which: 'model' (in the active model, nothing rated since), 'folded-in' " +
                             "(new to the model or rated since it was trained; solved on the spot), 'popularity' " +
                             "(no ratings, or no model yet). Unknown users get 200 with popularity. Rated items are " +
                             "left out unless excludeRated=false. Feeds: offset (0 or more, offset + count <= 500; pages of " +
                             "one model version concatenate to the long list), exclude (comma-separated item ids, at most 200, " +
                             "never returned), filter (repeatable key:value, all must hold: attributes[key] equals the value or, " +
                             "for an array, contains it; applied before the cut, so a page is full when enough items match), " +
                             "include=attributes (each item's attributes beside its title). Example: " +
                             "?count=20&offset=20&filter=genres:Sci-Fi&exclude=42,77&include=attributes");

        group.MapGet("/predictions/{itemId}", GetPrediction)
            .WithName("GetPrediction")
            .WithSummary("The rating the user would give the item, clamped to the rating scale")
            .WithDescription("404 if the item is unknown to the service.");

        return app;
    }

    private static async Task<Results<Ok<RecommendationResponse>, ValidationProblem>> GetRecommendations(
        string userId,
        [FromQuery] int? count,
        [FromQuery] bool? excludeRated,
        [FromQuery] string? offset,
        [FromQuery] string? exclude,
        [FromQuery] string[]? filter,
        [FromQuery] string? include,
        RecommendationService recommendations,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.AddIdProblem("userId", userId);
        ListLimits.CheckCount(count, errors);
        var feed = FeedQuery.Read(count ?? ListLimits.DefaultCount, offset, exclude, filter, include, errors);
        if (!errors.IsEmpty) return errors.ToProblem("The user id or the list parameters are not valid.");

        var response = await recommendations.RecommendAsync(userId, feed, excludeRated ?? true, cancellationToken);
        return TypedResults.Ok(response);
    }

    private static async Task<Results<Ok<PredictionResponse>, ValidationProblem, ProblemHttpResult>> GetPrediction(
        string userId,
        string itemId,
        PredictionService predictions,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.AddIdProblem("userId", userId);
        errors.AddIdProblem("itemId", itemId);
        if (!errors.IsEmpty) return errors.ToProblem("The user or item id is not valid.");

        var prediction = await predictions.PredictAsync(userId, itemId, cancellationToken);
        return prediction is null
            ? TypedResults.Problem(title: "Unknown item", detail: $"No item '{itemId}' is known to the service.", statusCode: StatusCodes.Status404NotFound)
            : TypedResults.Ok(prediction);
    }
}
