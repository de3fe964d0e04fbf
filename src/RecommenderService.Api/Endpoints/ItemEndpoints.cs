using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using RecommenderService.Api.Contracts;
using RecommenderService.Api.Items;
using RecommenderService.Api.Security;
using Microsoft.Extensions.Options;
using RecommenderService.Api.Infrastructure;
using RecommenderService.Api.Serving;
using RecommenderService.Api.Serving.Feeds;
using RecommenderService.Api.Validation;

namespace RecommenderService.Api.Endpoints;

/// <summary>Catalogue data, popular items and similar items (API.md, "Items").</summary>
public static class ItemEndpoints
{
    /// <summary>Titles longer than this are refused rather than cut.</summary>
    public const int MaxTitleLength = 1000;

    /// <summary>Catalogue bodies are small; anything larger is a mistake.</summary>
    public const long MaxItemBodyBytes = 64 * 1024;

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
            .WithSummary("Items by damped mean rating (C·μ + Σr) / (C + n): the cold-start list")
            .WithDescription("Recomputed in the background every Popularity:RefreshSeconds, never per request. filter " +
                             "(repeatable key:value, all must hold) and include=attributes as for recommendations. Carries an ETag " +
                             "(If-None-Match gives 304) and Cache-Control: private, max-age=Popularity:RefreshSeconds.")
            .WithETag(services => services.GetRequiredService<IOptions<PopularityOptions>>().Value.RefreshSeconds);

        group.MapGet("", GetItems)
            .WithName("GetItems")
            .WithSummary("Several items at once: ?ids=a,b,c (at most 100); unknown ids are left out")
            .WithDescription("Answers {\"items\": [...]} in the asked order, each id once. Carries an ETag (If-None-Match gives 304).")
            .WithETag();

        group.MapPut("/{itemId}", PutItem)
            .WithName("PutItem")
            .WithSummary("Creates or replaces an item's catalogue data (title, attributes)")
            .WithDescription("201 when new, 200 when replaced. Attributes must be a JSON object.")
            .WithMetadata(new RequestSizeLimitAttribute(MaxItemBodyBytes))
            // Catalogue writes are for servers: a user token may read items, not change them.
            .RequireAuthorization(ApiKeyDefaults.ClientPolicy);

        group.MapGet("/{itemId}", GetItem)
            .WithName("GetItem")
            .WithSummary("An item's catalogue data with its rating count and mean rating")
            .WithDescription("Carries an ETag (If-None-Match gives 304).")
            .WithETag();

        group.MapGet("/{itemId}/similar", GetSimilar)
            .WithName("GetSimilarItems")
            .WithSummary("Items most similar to this one (cosine similarity of item factors in the active model)")
            .WithDescription("404 if the item is unknown; 409 if it is not in the active model yet (or no model is active). " +
                             "filter (repeatable key:value, applied before the cut) and include=attributes as for recommendations. " +
                             "Carries an ETag (If-None-Match gives 304).")
            .WithETag();

        return app;
    }

    private static async Task<Results<Ok<PopularItemsResponse>, ValidationProblem>> GetPopular(
        [FromQuery] int? count, [FromQuery] string[]? filter, [FromQuery] string? include, PopularItemsFeed popular, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        ListLimits.CheckCount(count, errors);
        var feed = FeedQuery.ReadFiltersOnly(count ?? ListLimits.DefaultCount, filter, include, errors);
        if (!errors.IsEmpty) return errors.ToProblem("The list parameters are not valid.");

        return TypedResults.Ok(await popular.ListAsync(feed, cancellationToken));
    }

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
        string itemId, [FromQuery] int? count, [FromQuery] string[]? filter, [FromQuery] string? include, SimilarItemsService similar,
        CancellationToken cancellationToken)
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
                : $"Item '{itemId}' is newer than the active model; it gets similar items after the next retraining.",
            statusCode: StatusCodes.Status409Conflict);
    }

    private static ProblemHttpResult UnknownItem(string itemId) =>
        TypedResults.Problem(title: "Unknown item", detail: $"No item '{itemId}' is known to the service.", statusCode: StatusCodes.Status404NotFound);
}
