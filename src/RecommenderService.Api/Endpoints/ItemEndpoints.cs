using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using RecommenderService.Api.Contracts;
using RecommenderService.Api.Items;
using RecommenderService.Api.Security;
using RecommenderService.Api.Serving;
using RecommenderService.Api.Validation;

namespace RecommenderService.Api.Endpoints;

/// <summary>Catalogue data, popular items and similar items (docs/api.md, "Items").</summary>
public static class ItemEndpoints
{
    /// <summary>Titles longer than this are refused rather than cut.</summary>
    public const int MaxTitleLength = 1000;

    /// <summary>Catalogue bodies are small; anything larger is a mistake.</summary>
    public const long MaxItemBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapItemEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/items")
            .WithTags("Items")
            .RequireAuthorization(ApiKeyDefaults.ClientPolicy);

        // Declared before "/{itemId}" for the reader; routing prefers the literal segment anyway.
        group.MapGet("/popular", GetPopular)
            .WithName("GetPopularItems")
            .WithSummary("Get the popular items: what a new visitor is shown")
            .WithDescription("""
                Ordered by damped mean rating (C·μ + Σr) / (C + n): an item's mean pulled towards the mean of all
                ratings until it has many ratings, so two 5-star ratings do not beat five hundred 4.6s. Kept in
                memory and recomputed from per-item statistics within about a second of any write, never per request.
                """);

        group.MapPut("/{itemId}", PutItem)
            .WithName("PutItem")
            .WithSummary("Store an item's catalogue data (title, attributes), shown with recommendations")
            .WithDescription("""
                Answers 201 when the service had not seen the item, 200 when its data was replaced. `attributes` is
                any JSON object and is returned as sent.
                """)
            .Accepts<ItemRequest>("application/json")
            .WithMetadata(new RequestSizeLimitAttribute(MaxItemBodyBytes));

        group.MapGet("/{itemId}", GetItem)
            .WithName("GetItem")
            .WithSummary("Get an item's catalogue data, rating count and mean rating")
            .WithDescription("404 when the service has never seen the item.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{itemId}/similar", GetSimilar)
            .WithName("GetSimilarItems")
            .WithSummary("Get the items most similar to an item (\"people who liked this also liked\")")
            .WithDescription("""
                Similarity is how alike two items' taste profiles are in the trained model, from -1 to 1. 404 when the
                service has never seen the item; 409 when no model has been trained yet or the item is newer than the
                model (it gets similar items after the next training).
                """)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return app;
    }

    /// <param name="count">How many items, 1-100.</param>
    private static async Task<Results<Ok<PopularItemsResponse>, ValidationProblem>> GetPopular(
        [FromQuery, Range(1, ListLimits.MaxCount), DefaultValue(ListLimits.DefaultCount)] int? count, PopularityCache popularity, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        ListLimits.CheckCount(count, errors);
        if (!errors.IsEmpty) return errors.ToProblem("The list size is not valid.");

        var snapshot = await popularity.GetAsync(cancellationToken);
        var take = Math.Min(count ?? ListLimits.DefaultCount, snapshot.Ranking.Length);
        var items = new PopularItem[take];
        for (var k = 0; k < take; k++)
        {
            var entry = snapshot.Ranking[k];
            var index = entry.Item;
            items[k] = new PopularItem(snapshot.ItemIds[index], Math.Round(entry.Score, 4), snapshot.Counts[index],
                Math.Round(snapshot.Sums[index] / snapshot.Counts[index], 4), snapshot.Titles[index]);
        }
        return TypedResults.Ok(new PopularItemsResponse(RecommendationStrategy.Popularity, items));
    }

    /// <param name="itemId" example="242">The item: your own id, 1-128 characters without whitespace.</param>
    private static async Task<Results<Created<ItemResponse>, Ok<ItemResponse>, ValidationProblem>> PutItem(
        string itemId, ItemRequest? body, ItemCatalog catalog, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.AddIdProblem("itemId", itemId);
        if (body is null) errors.Add("body", "A JSON body {\"title\": ..., \"attributes\": {...}} is required.");
        else
        {
            if (body.Title is { Length: > MaxTitleLength }) errors.Add("title", $"A title is at most {MaxTitleLength} characters.");
            if (body.Attributes is { } attributes && attributes.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
                errors.Add("attributes", "attributes must be a JSON object.");
        }
        if (!errors.IsEmpty) return errors.ToProblem("The item is not valid; nothing was stored.");

        var created = await catalog.UpsertAsync(itemId, body!, cancellationToken);
        var stored = (await catalog.GetAsync(itemId, cancellationToken))!;
        return created
            ? TypedResults.Created($"/api/v1/items/{Uri.EscapeDataString(itemId)}", stored)
            : TypedResults.Ok(stored);
    }

    /// <param name="itemId" example="242">The item.</param>
    private static async Task<Results<Ok<ItemResponse>, ValidationProblem, ProblemHttpResult>> GetItem(
        string itemId, ItemCatalog catalog, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.AddIdProblem("itemId", itemId);
        if (!errors.IsEmpty) return errors.ToProblem("The item id is not valid.");

        var item = await catalog.GetAsync(itemId, cancellationToken);
        return item is null ? UnknownItem(itemId) : TypedResults.Ok(item);
    }

    /// <param name="itemId" example="242">The item to find similar items for.</param>
    /// <param name="count">How many items, 1-100.</param>
    private static async Task<Results<Ok<SimilarItemsResponse>, ValidationProblem, ProblemHttpResult>> GetSimilar(
        string itemId, [FromQuery, Range(1, ListLimits.MaxCount), DefaultValue(ListLimits.DefaultCount)] int? count, SimilarItemsService similar, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.AddIdProblem("itemId", itemId);
        ListLimits.CheckCount(count, errors);
        if (!errors.IsEmpty) return errors.ToProblem("The item id or the list size is not valid.");

        var outcome = await similar.FindAsync(itemId, count ?? ListLimits.DefaultCount, cancellationToken);
        if (outcome.Response is not null) return TypedResults.Ok(outcome.Response);
        if (outcome.Unknown) return UnknownItem(itemId);
        return TypedResults.Problem(
            title: "Item not in the model",
            detail: outcome.NoModel
                ? "No model is active yet, so there are no item factors to compare. Try again after the first training."
                : $"Item '{itemId}' is newer than the active model; it gets similar items after the next retraining.",
            statusCode: StatusCodes.Status409Conflict);
    }

    private static ProblemHttpResult UnknownItem(string itemId) =>
        TypedResults.Problem(title: "Unknown item", detail: $"No item '{itemId}' is known to the service.", statusCode: StatusCodes.Status404NotFound);
}
