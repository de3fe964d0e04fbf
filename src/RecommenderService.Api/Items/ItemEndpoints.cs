using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using RecommenderService.Api.Infrastructure;
using RecommenderService.Api.Items.Feeds;
using RecommenderService.Api.Items.PopularItems;
using RecommenderService.Api.Recommendations;
using RecommenderService.Api.Security;
using RecommenderService.Api.Validation;

namespace RecommenderService.Api.Items;

/// <summary>Catalogue data, popular items and similar items (docs/api.md, "Items").</summary>
public static class ItemEndpoints
{
    /// <summary>Titles longer than this are refused rather than cut.</summary>
    public const int MaxTitleLength = 1000;

    /// <summary>Catalogue bodies are small; anything larger is a mistake.</summary>
    public const long MaxItemBodyBytes = 64 * 1024;

    /// <summary>
    /// How long a client may reuse the popular list unasked. The list follows writes within about a second, so
    /// reuse is kept short (it still saves a phone the round trip when going back and forth) and never longer
    /// than the safety-net refresh.
    /// </summary>
    private static int PopularMaxAgeSeconds(IServiceProvider services) =>
        Math.Min(10, services.GetRequiredService<IOptions<PopularityOptions>>().Value.RefreshSeconds);

    /// <summary>A batch read serves one screen of items; more is a different job.</summary>
    public const int MaxBatchIds = 100;

    public static IEndpointRouteBuilder MapItemEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/items")
            .WithTags("Items")
            .RequireAuthorization(JwtDefaults.EndUserPolicy);

        // Declared before "/{itemId}" for the reader; routing prefers the literal segment anyway.
        group.MapGet("/popular", GetPopular)
            .WithName("GetPopularItems")
            .WithSummary("Get the popular items: what a new visitor is shown")
            .WithDescription("""
                Ordered by damped mean rating (C·μ + Σr) / (C + n): an item's mean pulled towards the mean of all
                ratings until it has many ratings, so two 5-star ratings do not beat five hundred 4.6s. Kept in
                memory and recomputed from per-item statistics within about a second of any write, never per request.
                `filter=key:value` (repeatable, all must hold, applied before the cut) and `include=attributes` work as
                for recommendations. Carries an `ETag` (`If-None-Match` answers 304) and `Cache-Control: private,
                max-age` (at most 10 s, never more than `Popularity:RefreshSeconds`).
                """)
            .WithETag(PopularMaxAgeSeconds);

        group.MapGet("", GetItems)
            .WithName("GetItems")
            .WithSummary("Get several items at once (a screenful): ?ids=a,b,c")
            .WithDescription("""
                At most 100 comma-separated ids. Answers `{"items": [...]}` with the known items in the asked order,
                each once; unknown ids are left out (no 404). Carries an `ETag` (`If-None-Match` answers 304).
                """)
            .WithETag();

        group.MapPut("/{itemId}", PutItem)
            .WithName("PutItem")
            .WithSummary("Store an item's catalogue data (title, attributes), shown with recommendations")
            .WithDescription("""
                Answers 201 when the service had not seen the item, 200 when its data was replaced. `attributes` is
                any JSON object and is returned as sent. Needs an API key: a user token may read items, not change them.
                """)
            .Accepts<ItemRequest>("application/json")
            .WithMetadata(new RequestSizeLimitAttribute(MaxItemBodyBytes))
            // Catalogue writes are for servers: a user token may read items, not change them.
            .RequireAuthorization(ApiKeyDefaults.ClientPolicy);

        group.MapGet("/{itemId}", GetItem)
            .WithName("GetItem")
            .WithSummary("Get an item's catalogue data, rating count and mean rating")
            .WithDescription("404 when the service has never seen the item. Carries an `ETag` (`If-None-Match` answers 304).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithETag();

        group.MapGet("/{itemId}/similar", GetSimilar)
            .WithName("GetSimilarItems")
            .WithSummary("Get the items most similar to an item (\"people who liked this also liked\")")
            .WithDescription("""
                Similarity is how alike two items' taste profiles are in the trained model, from -1 to 1. An item newer
                than the model is placed by its attributes when the model has seen any of them. 404 when the service has
                never seen the item; 409 when no model has been trained yet or the item is newer than the model and none
                of its attributes was seen in training (it gets similar items after the next training). `filter=key:value` (repeatable, applied before
                the cut) and `include=attributes` work as for recommendations. Carries an `ETag` (`If-None-Match`
                answers 304).
                """)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithETag();

        return app;
    }

    /// <param name="count">How many items, 1-100.</param>
    /// <param name="filter" example="genres:Sci-Fi">key:value, repeatable, all must hold: the item's attribute equals the value or, for an array, contains it.</param>
    /// <param name="include" example="attributes">`attributes`: add each item's attributes.</param>
    private static async Task<Results<Ok<PopularItemsResponse>, ValidationProblem>> GetPopular(
        [FromQuery, Range(1, ListLimits.MaxCount), DefaultValue(ListLimits.DefaultCount)] int? count, [FromQuery] string[]? filter,
        [FromQuery] string? include, PopularItemsFeed popular, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        ListLimits.CheckCount(count, errors);
        var feed = FeedQuery.ReadFiltersOnly(count ?? ListLimits.DefaultCount, filter, include, errors);
        if (!errors.IsEmpty) return errors.ToProblem("The list parameters are not valid.");

        return TypedResults.Ok(await popular.ListAsync(feed, cancellationToken));
    }

    /// <param name="ids" example="242,302,377">Comma-separated item ids, at most 100.</param>
    private static async Task<Results<Ok<ItemBatchResponse>, ValidationProblem>> GetItems(
        [FromQuery] string? ids, ItemCatalog catalog, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var wanted = string.IsNullOrEmpty(ids) ? [] : ids.Split(',');
        if (wanted.Length == 0) errors.Add("ids", "ids is required: comma-separated item ids, e.g. ?ids=242,302,377.");
        else if (wanted.Length > MaxBatchIds) errors.Add("ids", $"At most {MaxBatchIds} ids at once; this request has {wanted.Length}.");
        else
            foreach (var id in wanted)
                if (ExternalId.Problem(id) is { } problem) errors.Add("ids", $"'{id}': {problem} Separate ids with single commas.");
        if (!errors.IsEmpty) return errors.ToProblem("The item ids are not valid.");

        return TypedResults.Ok(new ItemBatchResponse(await catalog.GetManyAsync(wanted, cancellationToken)));
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
    /// <param name="filter" example="genres:Sci-Fi">key:value, repeatable, all must hold: the item's attribute equals the value or, for an array, contains it.</param>
    /// <param name="include" example="attributes">`attributes`: add each item's attributes.</param>
    private static async Task<Results<Ok<SimilarItemsResponse>, ValidationProblem, ProblemHttpResult>> GetSimilar(
        string itemId, [FromQuery, Range(1, ListLimits.MaxCount), DefaultValue(ListLimits.DefaultCount)] int? count,
        [FromQuery] string[]? filter, [FromQuery] string? include, SimilarItemsService similar, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.AddIdProblem("itemId", itemId);
        ListLimits.CheckCount(count, errors);
        var feed = FeedQuery.ReadFiltersOnly(count ?? ListLimits.DefaultCount, filter, include, errors);
        if (!errors.IsEmpty) return errors.ToProblem("The item id or the list parameters are not valid.");

        var outcome = await similar.FindAsync(itemId, feed, cancellationToken);
        if (outcome.Response is not null) return TypedResults.Ok(outcome.Response);
        if (outcome.Unknown) return UnknownItem(itemId);
        return TypedResults.Problem(
            title: "Item not in the model",
            detail: outcome.NoModel
                ? "No model is active yet, so there are no item factors to compare. Try again after the first training."
                : $"Item '{itemId}' is newer than the active model and has no attributes it has seen; it gets similar items after the next retraining.",
            statusCode: StatusCodes.Status409Conflict);
    }

    private static ProblemHttpResult UnknownItem(string itemId) =>
        TypedResults.Problem(title: "Unknown item", detail: $"No item '{itemId}' is known to the service.", statusCode: StatusCodes.Status404NotFound);
}
