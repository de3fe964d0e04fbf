using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

using RecommenderService.Api.OpenApi;
using RecommenderService.Api.Outcomes.Impressions;
using RecommenderService.Api.Recommendations.Feeds;
using RecommenderService.Api.Security;
using RecommenderService.Api.Validation;

namespace RecommenderService.Api.Recommendations;

/// <summary>Personalised lists and predicted ratings (docs/api.md, "Recommendations").</summary>
public static class RecommendationEndpoints
{
    /// <summary>On a list served from memory while the database is unreachable.</summary>
    public const string DegradedHeader = "Recommendation-Degraded";

    public static IEndpointRouteBuilder MapRecommendationEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/users/{userId}")
            .WithTags("Recommendations")
            .RequireAuthorization(JwtDefaults.EndUserPolicy);

        group.MapGet("/recommendations", GetRecommendations)
            .WithName("GetRecommendations")
            .WithSummary("Get a user's recommendations: the items they are most likely to want, best first")
            .WithDescription("""
                `strategy` says how the list was made: `model` (the user is in the trained model and rated nothing
                since), `folded-in` (the user is new to the model or rated something since it was trained: their
                taste is worked out on the spot from their current ratings, so a rating sent a moment ago already
                counts), `popularity` (no ratings yet, or no model trained yet: the popular items). A user the service
                has not seen gets 200 with the popular items, never 404. Items the user already rated are left out
                unless `excludeRated=false`. In personalised lists `score` orders the list (relative, not stars) and
                `predictedRating` is the stars the user would give; in popularity lists `score` is the damped mean
                rating and `predictedRating` is null.

                Feeds: `offset` pages through the long list for infinite scroll (`offset + count` at most 500; pages of
                one model version concatenate exactly, without duplicates); `exclude` (comma-separated item ids, at
                most 200) are never returned; each `filter=key:value` (repeatable, all must hold) keeps items whose
                `attributes[key]` equals the value or, for an array, contains it, and is applied before the cut, so a
                page is full when enough items match; `include=attributes` adds each item's attributes (null
                otherwise). Example: `?count=20&offset=20&filter=genres:Sci-Fi&exclude=42,77&include=attributes`.

                Reasons: `include=reasons` (or `include=attributes,reasons`) adds each item's `reasons` (null otherwise):
                `kind` `rated` gives up to 3 of the user's own rated items with their `share` of the item's ranking score
                (exact: the ranking model's score is a sum over the user's rated items), largest first; `popular` in
                popularity lists; `profile`, `onboarding` (attributes the user likes) and `new` (exploration) for lists
                made those ways; `none` when no reason exists. `text` always says it in words ("Because you rated Alien
                and Blade Runner"). The list is the same with or without reasons.
                """)
            .RecordsImpressions();

        group.MapGet("/predictions/{itemId}", GetPrediction)
            .WithName("GetPrediction")
            .WithSummary("Predict the rating a user would give an item")
            .WithDescription("""
                The stars, on the rating scale. For a user the model cannot personalise yet, the item's typical rating
                (`strategy` is then `popularity`). An item newer than the model is predicted from its attributes when
                the model has seen any of them. 404 when the service has never seen the item.
                """)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    /// <param name="userId" example="196">The user: your own id, 1-128 characters without whitespace; unknown users get popular items.</param>
    /// <param name="count">How many items, 1-100.</param>
    /// <param name="excludeRated">Leave out the items the user has already rated.</param>
    /// <param name="offset" example="20">Skip this many items of the long list (a whole number, 0 or more; offset + count at most 500).</param>
    /// <param name="exclude" example="42,77">Comma-separated item ids (at most 200) never to return, e.g. what is in the cart.</param>
    /// <param name="filter" example="genres:Sci-Fi">key:value, repeatable, all must hold: the item's attribute equals the value or, for an array, contains it.</param>
    /// <param name="include" example="attributes,reasons">`attributes`: add each item's attributes; `reasons`: add why each item is listed; both: `attributes,reasons`.</param>
    private static async Task<Results<Ok<RecommendationResponse>, ValidationProblem>> GetRecommendations(
        string userId,
        [FromQuery, Range(1, ListLimits.MaxCount), DefaultValue(ListLimits.DefaultCount)] int? count,
        [FromQuery, DefaultValue(true)] bool? excludeRated,
        // Read as text so that "abc" gets this service's own problem; documented as the number it must be.
        [FromQuery, SchemaAs(typeof(int)), Range(0, FeedQuery.MaxDepth - 1), DefaultValue(0)] string? offset,
        [FromQuery] string? exclude,
        [FromQuery] string[]? filter,
        [FromQuery] string? include,
        RecommendationService recommendations,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.AddIdProblem("userId", userId);
        ListLimits.CheckCount(count, errors);
        var feed = FeedQuery.Read(count ?? ListLimits.DefaultCount, offset, exclude, filter, include, errors);
        if (!errors.IsEmpty) return errors.ToProblem("The user id or the list parameters are not valid.");

        var response = await recommendations.RecommendAsync(userId, feed, excludeRated ?? true, cancellationToken);
        if (response.Degraded) context.Response.Headers[DegradedHeader] = "database-unavailable";
        return TypedResults.Ok(response);
    }

    /// <param name="userId" example="196">The user.</param>
    /// <param name="itemId" example="242">The item.</param>
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
