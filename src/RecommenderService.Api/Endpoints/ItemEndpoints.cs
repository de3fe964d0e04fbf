using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using RecommenderService.Api.Contracts;
using RecommenderService.Api.Items;
using RecommenderService.Api.Security;
using RecommenderService.Api.Serving;
using RecommenderService.Api.Validation;

namespace RecommenderService.Api.Endpoints;

/// <summary>Catalogue data, popular items and similar items (API.md, "Items").</summary>
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
            .RequireAuthorization(JwtDefaults.EndUserPolicy);

        // Declared before "/{itemId}" for the reader; routing prefers the literal segment anyway.
        group.MapGet("/popular", GetPopular)
            .WithName("GetPopularItems")
            .WithSummary("Items by damped mean rating (C·μ + Σr) / (C + n): the cold-start list")
            .WithDescription("Recomputed in the background every Popularity:RefreshSeconds, never per request.");

        group.MapPut("/{itemId}", PutItem)
            .WithName("PutItem")
            .WithSummary("Creates or replaces an item's catalogue data (title, attributes)")
            .WithDescription("201 when new, 200 when replaced. Attributes must be a JSON object.")
            .WithMetadata(new RequestSizeLimitAttribute(MaxItemBodyBytes))
            // Catalogue writes are for servers: a user token may read items, not change them.
            .RequireAuthorization(ApiKeyDefaults.ClientPolicy);

        group.MapGet("/{itemId}", GetItem)
            .WithName("GetItem")
            .WithSummary("An item's catalogue data with its rating count and mean rating");

        group.MapGet("/{itemId}/similar", GetSimilar)
            .WithName("GetSimilarItems")
            .WithSummary("Items most similar to this one (cosine similarity of item factors in the active model)")
            .WithDescription("404 if the item is unknown; 409 if it is not in the active model yet (or no model is active).");

        return app;
    }

    private static async Task<Results<Ok<PopularItemsResponse>, ValidationProblem>> GetPopular(
        [FromQuery] int? count, PopularityCache popularity, CancellationToken cancellationToken)
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

    private static async Task<Results<Ok<ItemResponse>, ValidationProblem, ProblemHttpResult>> GetItem(
        string itemId, ItemCatalog catalog, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.AddIdProblem("itemId", itemId);
        if (!errors.IsEmpty) return errors.ToProblem("The item id is not valid.");

        var item = await catalog.GetAsync(itemId, cancellationToken);
        return item is null ? UnknownItem(itemId) : TypedResults.Ok(item);
    }

    private static async Task<Results<Ok<SimilarItemsResponse>, ValidationProblem, ProblemHttpResult>> GetSimilar(
        string itemId, [FromQuery] int? count, SimilarItemsService similar, CancellationToken cancellationToken)
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
