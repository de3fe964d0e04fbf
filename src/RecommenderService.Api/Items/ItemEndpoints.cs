using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

using RecommenderService.Api.Infrastructure;
using RecommenderService.Api.Items.Erasure;
using RecommenderService.Api.OpenApi;
using RecommenderService.Api.Security;
using RecommenderService.Api.Validation;

namespace RecommenderService.Api.Items;

/// <summary>Catalogue data (docs/api.md, "Items"); the popular and similar lists under the same path are the recommendations' (<c>PopularItemEndpoints</c>, <c>SimilarItemEndpoints</c>).</summary>
public static class ItemEndpoints
{
    /// <summary>Titles longer than this are refused rather than cut.</summary>
    public const int MaxTitleLength = 1000;

    /// <summary>Catalogue bodies are small; anything larger is a mistake.</summary>
    public const long MaxItemBodyBytes = 64 * 1024;

    /// <summary>A batch read serves one screen of items; more is a different job.</summary>
    public const int MaxBatchIds = 100;

    /// <summary>A catalogue batch: what a shop sends per call when it feeds its catalogue.</summary>
    public const int MaxBatchItems = 1000;

    /// <summary>Room for <see cref="MaxBatchItems"/> items of a few kilobytes each.</summary>
    public const long MaxItemBatchBytes = 8 * 1024 * 1024;

    public static IEndpointRouteBuilder MapItemEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/items")
            .WithTags("Items")
            .RequireAuthorization(JwtDefaults.EndUserPolicy);

        group.MapGet("", GetItems)
            .WithName("GetItems")
            .WithSummary("Get several items at once (a screenful): ?ids=a,b,c; or the retired items: ?available=false")
            .WithDescription("""
                With `ids` (at most 100, comma-separated): answers `{"items": [...]}` with the known items that may be
                listed now, in the asked order, each once; unknown and retired ids are left out (no 404), so the answer
                can be shown as a list. `available=false` with `ids` gives the retired ones among them instead. Without
                `ids`, `available=false` lists every retired item (retired, or outside its schedule now), a page of
                `limit` at a time in the order they were first stored: pass `nextCursor` as `cursor` for the next page.
                Carries an `ETag` (`If-None-Match` answers 304).
                """)
            .WithETag();

        group.MapPost("/batch", PostBatch)
            .WithName("PostItemBatch")
            .WithSummary("Store up to 1,000 items' catalogue data and availability at once, all or nothing")
            .WithDescription("""
                How a shop feeds its catalogue: each entry is an `itemId` with the fields of `PUT /api/v1/items/{itemId}`.
                One invalid entry rejects the whole batch: the 400 names every wrong field with its entry (`items[17].itemId`)
                and nothing is stored. Several entries for one id: the last one wins. Every replica follows within a second.
                Needs an API key.
                """)
            .Accepts<ItemBatchRequest>("application/json")
            .WithMetadata(new RequestSizeLimitAttribute(MaxItemBatchBytes))
            .RequireAuthorization(ApiKeyDefaults.ClientPolicy);

        group.MapPut("/{itemId}", PutItem)
            .WithName("PutItem")
            .WithSummary("Store an item's catalogue data (title, attributes) and whether it may be listed")
            .WithDescription("""
                Answers 201 when the service had not seen the item, 200 when its data was replaced. `attributes` is
                any JSON object and is returned as sent. `"available": false` retires the item: within a second no
                replica lists it (recommendations, popular, similar items, reads by id), while its ratings still train
                the model and predictions for it still answer; `true` brings it back. `availableFrom` / `availableUntil`
                schedule it: it is listed only in [from, until), with no further write. When none of the three is sent
                the item keeps its availability. Needs an API key: a user token may read items, not change them.
                """)
            .Accepts<ItemRequest>("application/json")
            .WithMetadata(new RequestSizeLimitAttribute(MaxItemBodyBytes))
            // Catalogue writes are for servers: a user token may read items, not change them.
            .RequireAuthorization(ApiKeyDefaults.ClientPolicy);

        group.MapDelete("/{itemId}", DeleteItem)
            .WithName("DeleteItem")
            .WithSummary("Erase an item, its catalogue data and all its ratings (admin key)")
            .WithDescription("""
                All or nothing. From the moment this answers 204 no replica lists, scores or compares the item from a
                stored model again (every replica is told at once, and the erasure is recorded for replicas that start
                later, for outages and for rollbacks to older models); the users who had rated it get lists without
                those ratings. An id stored again later is a new item, served from the first model trained after the
                erasure. 404 when the service has never seen the item.
                """)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(ApiKeyDefaults.AdminPolicy);

        group.MapGet("/{itemId}", GetItem)
            .WithName("GetItem")
            .WithSummary("Get an item's catalogue data, rating count and mean rating")
            .WithDescription("404 when the service has never seen the item. Carries an `ETag` (`If-None-Match` answers 304).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithETag();

        return app;
    }

    /// <param name="ids" example="242,302,377">Comma-separated item ids, at most 100.</param>
    /// <param name="available" example="false">`true` (the default): the items that may be listed now; `false`: the retired ones.</param>
    /// <param name="limit">Retired items per page (without `ids`), 1-1000.</param>
    /// <param name="cursor">Where the page of retired items starts: the previous page's `nextCursor`, unchanged; left out for the first page.</param>
    private static async Task<Results<Ok<ItemBatchResponse>, ValidationProblem>> GetItems(
        [FromQuery] string? ids,
        [FromQuery, SchemaAs(typeof(bool))] string? available,
        [FromQuery, SchemaAs(typeof(int)), Range(1, ListLimits.MaxLimit), DefaultValue(ListLimits.DefaultLimit)] string? limit,
        [FromQuery] string? cursor, ItemCatalog catalog, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var listed = true;
        if (available is not null && !bool.TryParse(available, out listed)) errors.Add("available", "available must be true or false.");
        var pageSize = ListLimits.DefaultLimit;
        if (limit is not null)
        {
            if (int.TryParse(limit, out pageSize)) ListLimits.CheckLimit(pageSize, errors);
            else errors.Add("limit", $"limit must be a whole number between 1 and {ListLimits.MaxLimit}.");
        }
        ItemCursor? after = null;
        if (cursor is not null)
        {
            if (ItemCursor.TryDecode(cursor, out var decoded)) after = decoded;
            else errors.Add("cursor", "This is not a cursor this service handed out; pass nextCursor from the previous page unchanged, or leave it out for the first page.");
        }
        var wanted = string.IsNullOrEmpty(ids) ? [] : ids.Split(',');
        if (wanted.Length == 0)
        {
            if (available is null || listed)
                errors.Add("ids", "ids is required (comma-separated item ids, e.g. ?ids=242,302,377), unless listing retired items with available=false.");
        }
        else if (wanted.Length > MaxBatchIds) errors.Add("ids", $"At most {MaxBatchIds} ids at once; this request has {wanted.Length}.");
        else
            foreach (var id in wanted)
                if (ExternalId.Problem(id) is { } problem) errors.Add("ids", $"'{id}': {problem} Separate ids with single commas.");
        if (wanted.Length > 0 && (cursor is not null || limit is not null))
            errors.Add("cursor", "cursor and limit page through the retired items; a read by ids has no pages.");
        if (!errors.IsEmpty) return errors.ToProblem("The item ids are not valid.");

        return TypedResults.Ok(wanted.Length == 0
            ? await catalog.RetiredPageAsync(after, pageSize, cancellationToken)
            : new ItemBatchResponse(await catalog.GetManyAsync(wanted, listed, cancellationToken)));
    }

    private static async Task<Results<Ok<ItemBatchWriteResponse>, ValidationProblem>> PostBatch(
        ItemBatchRequest? body, ItemCatalog catalog, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (body?.Items is not { } entries)
        {
            errors.Add("items", "A list of items is required: {\"items\": [{\"itemId\", \"title\"?, \"attributes\"?, \"available\"?, ...}, ...]}.");
            return errors.ToProblem("Nothing was stored.");
        }
        if (entries.Count > MaxBatchItems)
        {
            errors.Add("items", $"A batch holds at most {MaxBatchItems:N0} items; this one has {entries.Count:N0}. Split it.");
            return errors.ToProblem("Nothing was stored.");
        }
        if (entries.Count == 0) errors.Add("items", "The batch is empty.");
        var lastOfId = new Dictionary<string, ItemRequest>(StringComparer.Ordinal);
        for (var k = 0; k < entries.Count; k++)
        {
            var entry = entries[k];
            if (entry is null)
            {
                errors.Add($"items[{k}]", "An item is a JSON object with at least an itemId.");
                continue;
            }
            var before = errors.Count;
            errors.AddIdProblem($"items[{k}].itemId", entry.ItemId);
            var request = entry.ToRequest();
            Check(request, errors, $"items[{k}].");
            if (errors.Count == before) lastOfId[entry.ItemId] = request;
        }
        if (!errors.IsEmpty) return errors.ToProblem("The batch is not valid; nothing was stored.");

        var (created, updated) = await catalog.UpsertManyAsync(lastOfId.Select(e => (e.Key, e.Value)).ToArray(), cancellationToken);
        return TypedResults.Ok(new ItemBatchWriteResponse(created, updated));
    }

    /// <summary>The rules of one item's body; each problem under <paramref name="prefix"/> + the field.</summary>
    private static void Check(ItemRequest body, ValidationErrors errors, string prefix = "")
    {
        if (body.Title is { Length: > MaxTitleLength }) errors.Add(prefix + "title", $"A title is at most {MaxTitleLength} characters.");
        if (body.Attributes is { } attributes && attributes.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            errors.Add(prefix + "attributes", "attributes must be a JSON object.");
        if (body is { AvailableFrom: { } from, AvailableUntil: { } until } && until <= from)
            errors.Add(prefix + "availableUntil", $"availableUntil ({until:O}) must be after availableFrom ({from:O}).");
    }

    /// <param name="itemId" example="242">The item: your own id, 1-128 characters without whitespace.</param>
    private static async Task<Results<Created<ItemResponse>, Ok<ItemResponse>, ValidationProblem>> PutItem(
        string itemId, ItemRequest? body, ItemCatalog catalog, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.AddIdProblem("itemId", itemId);
        if (body is null) errors.Add("body", "A JSON body {\"title\": ..., \"attributes\": {...}, \"available\": ...} is required.");
        else Check(body, errors);
        if (!errors.IsEmpty) return errors.ToProblem("The item is not valid; nothing was stored.");

        var created = await catalog.UpsertAsync(itemId, body!, cancellationToken);
        var stored = (await catalog.GetAsync(itemId, cancellationToken))!;
        return created
            ? TypedResults.Created($"/api/v1/items/{Uri.EscapeDataString(itemId)}", stored)
            : TypedResults.Ok(stored);
    }

    /// <param name="itemId" example="242">The item to erase.</param>
    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteItem(
        string itemId, ItemEraser eraser, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.AddIdProblem("itemId", itemId);
        if (!errors.IsEmpty) return errors.ToProblem("Nothing was deleted.");

        return await eraser.EraseAsync(itemId, cancellationToken) ? TypedResults.NoContent() : UnknownItem(itemId);
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

    public static ProblemHttpResult UnknownItem(string itemId) =>
        TypedResults.Problem(title: "Unknown item", detail: $"No item '{itemId}' is known to the service.", statusCode: StatusCodes.Status404NotFound);
}
