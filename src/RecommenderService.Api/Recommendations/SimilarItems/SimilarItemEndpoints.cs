using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

using RecommenderService.Api.Infrastructure;
using RecommenderService.Api.Items;
using RecommenderService.Api.Outcomes.Impressions;
using RecommenderService.Api.Recommendations.Feeds;
using RecommenderService.Api.Security;
using RecommenderService.Api.Validation;

namespace RecommenderService.Api.Recommendations.SimilarItems;

/// <summary>Similar items, <c>GET /api/v1/items/{itemId}/similar</c> (docs/api.md, "Items").</summary>
public static class SimilarItemEndpoints
{
    public static IEndpointRouteBuilder MapSimilarItemEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/items")
            .WithTags("Items")
            .RequireAuthorization(JwtDefaults.EndUserPolicy);

        group.MapGet("/{itemId}/similar", GetSimilar)
            .WithName("GetSimilarItems")
            .WithSummary("Get the items most similar to an item (\"people who liked this also liked\")")
            .WithDescription("""
                Similarity is how alike two items' taste profiles are in the trained model, from -1 to 1. An item newer
                than the model is placed by its attributes when the model has seen any of them. 404 when the service has
                never seen the item; 409 when no model has been trained yet or the item is newer than the model and none
                of its attributes was seen in training (it gets similar items after the next training). `filter=key:value` (repeatable, applied before
                the cut) and `include=attributes` work as for recommendations. `include=reasons` adds to each item
                `reasons`: `sharedAttributes` (`[{"key", "value"}]`, the attribute values both items have) and
                `ratedByBoth` (how many users rated both). Carries an `ETag` (`If-None-Match` answers 304).
                """)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithETag()
            .RecordsImpressions();
        return app;
    }

    /// <param name="itemId" example="242">The item to find similar items for.</param>
    /// <param name="count">How many items, 1-100.</param>
    /// <param name="filter" example="genres:Sci-Fi">key:value, repeatable, all must hold: the item's attribute equals the value or, for an array, contains it.</param>
    /// <param name="include" example="attributes,reasons">`attributes`: add each item's attributes; `reasons`: add what the two items share (attributes, users who rated both); both: `attributes,reasons`.</param>
    private static async Task<Results<Ok<SimilarItemsResponse>, ValidationProblem, ProblemHttpResult>> GetSimilar(
        string itemId, [FromQuery, Range(1, ListLimits.MaxCount), DefaultValue(ListLimits.DefaultCount)] int? count,
        [FromQuery] string[]? filter, [FromQuery] string? include, SimilarItemsService similar, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.AddIdProblem("itemId", itemId);
        ListLimits.CheckCount(count, errors);
        var feed = FeedQuery.ReadFiltersOnly(count ?? ListLimits.DefaultCount, filter, include, errors, reasonsOffered: true);
        if (!errors.IsEmpty) return errors.ToProblem("The item id or the list parameters are not valid.");

        var outcome = await similar.FindAsync(itemId, feed, cancellationToken);
        if (outcome.Response is not null) return TypedResults.Ok(outcome.Response);
        if (outcome.Unknown) return ItemEndpoints.UnknownItem(itemId);
        return TypedResults.Problem(
            title: "Item not in the model",
            detail: outcome.NoModel
                ? "No model is active yet, so there are no item factors to compare. Try again after the first training."
                : $"Item '{itemId}' is newer than the active model and has no attributes it has seen; it gets similar items after the next retraining.",
            statusCode: StatusCodes.Status409Conflict);
    }
}
