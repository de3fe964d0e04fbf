using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using System.Text.Json;

using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

using RecommenderService.Api.Infrastructure;
using RecommenderService.Api.OpenApi;
using RecommenderService.Api.Outcomes.Events;
using RecommenderService.Api.Ratings.Import;
using RecommenderService.Api.Security;
using RecommenderService.Api.Users;
using RecommenderService.Api.Validation;

using static RecommenderService.Api.Validation.JsonMembers;

namespace RecommenderService.Api.Ratings;

/// <summary>Rating ingest routes (docs/api.md, "Ratings"); the user erasure route is in <see cref="UserEndpoints"/>.</summary>
public static class RatingsEndpoints
{
    public static IEndpointRouteBuilder MapRatingsEndpoints(this IEndpointRouteBuilder app)
    {
        var limits = app.ServiceProvider.GetRequiredService<IOptions<IngestOptions>>().Value;
        var group = app.MapGroup("/api/v1")
            .WithTags("Ratings")
            .RequireAuthorization(JwtDefaults.EndUserPolicy);

        group.MapPut("/users/{userId}/ratings/{itemId}", PutRating)
            .WithName("PutRating")
            .WithSummary("Rate an item: stores a user's rating, replacing their earlier one")
            .WithDescription("""
                Answers 201 when the user had not rated the item, 200 when the rating replaced theirs. Users and items
                the service has not seen are created on the fly; with a user token, only items already in the
                catalogue may be rated (404 otherwise). The user's next recommendations already take the rating into
                account. `recommendationId` (optional) names the list the user rated the item from: the rating then counts
                in that list's online figures (the liked-rating rate). 409 when the item was erased while the rating was
                being written: nothing was stored (sent again, it is treated as a rating of an item the service does not know).
                """)
            .Accepts<RatingWriteRequest>("application/json")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithMetadata(new RequestSizeLimitAttribute(limits.MaxRatingBytes));

        group.MapDelete("/users/{userId}/ratings/{itemId}", DeleteRating)
            .WithName("DeleteRating")
            .WithSummary("Delete a user's rating of an item")
            .WithDescription("404 when the user has not rated the item.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/users/{userId}/ratings", ListRatings)
            .WithName("ListUserRatings")
            .WithSummary("List a user's ratings, newest first, a page at a time")
            .WithDescription("""
                Ordered by when the user rated, newest first. Pass the answer's `nextCursor` as `cursor` to get the
                next page; it is null on the last page. A user the service has not seen has no ratings: 200 with an
                empty list.
                """);

        group.MapPost("/ratings/batch", PostBatch)
            .WithName("PostRatingBatch")
            .WithSummary("Store up to 10,000 ratings at once, all or nothing")
            .WithDescription("""
                One invalid row rejects the whole batch: the 400 names the wrong fields with their rows
                (`ratings[17].rating`), the first ten of them (the detail counts the rest), and nothing is stored. Several rows for the same user and item: the last one
                wins and the pair counts once in `inserted` or `updated`. A row may cite the list it was rated from
                (`recommendationId`), as for a single rating. 409 when an item of the batch was erased while the batch was
                being written: nothing was stored.
                """)
            .Accepts<RatingBatchRequest>("application/json")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithMetadata(new RequestSizeLimitAttribute(limits.MaxBatchBytes));

        group.MapPost("/ratings/import", Import)
            .WithName("ImportRatings")
            .WithSummary("Bulk-load ratings from a CSV file, all or nothing (admin key)")
            .WithDescription("""
                Send `Content-Type: text/csv`, one rating per line: `userId,itemId,rating[,timestamp]`, a header line
                (`userId,itemId,rating[,timestamp]`) optional, timestamp in unix seconds or ISO-8601 (left out: the time
                of the import). Streamed, so the file may be large. The last line for a user and item wins; `imported`
                counts the ratings stored. A wrong line rejects the whole import with a 400 naming the line (and up to
                nine more), and nothing is stored.
                """)
            .Accepts<string>("text/csv")
            .WithMetadata(new RequestBodyExample("text/csv", "userId,itemId,rating,timestamp\n196,242,3,881250949\n186,302,4.5,2024-01-01T12:00:00Z\n"))
            .RequireAuthorization(ApiKeyDefaults.AdminPolicy)
            .WithMetadata(new RequestSizeLimitAttribute(limits.MaxImportBytes));

        return app;
    }

    /// <summary>What the rating handlers use.</summary>
    public sealed record RatingServices(RatingWriter Writer, UserRatingList List, RatingImporter Importer,
        IOptions<RatingScaleOptions> Scale, IOptions<IngestOptions> Limits);

    /// <param name="userId" example="196">The user: your own id, 1-128 characters without whitespace.</param>
    /// <param name="itemId" example="242">The item: your own id, 1-128 characters without whitespace.</param>
    private static async Task<Results<Created<RatingResponse>, Ok<RatingResponse>, ValidationProblem, ProblemHttpResult>> PutRating(
        string userId, string itemId, RatingWriteRequest body, ClaimsPrincipal user, [AsParameters] RatingServices services, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.AddIdProblem("userId", userId);
        errors.AddIdProblem("itemId", itemId);
        var value = RatingInput.ReadRating(body.Rating, services.Scale.Value.Scale, "rating", errors);
        var ratedAt = JsonFields.ReadTimestamp(body.Timestamp, DateTime.UtcNow, "timestamp", errors);
        var cited = EventBatchReader.ReadRecommendationId(body.RecommendationId, "recommendationId", errors);
        if (!errors.IsEmpty) return errors.ToProblem("The rating was not stored.");

        var createItems = MayCreateItems(user, services.Limits.Value);
        if (!createItems && (await services.Writer.MissingItemsAsync([itemId], cancellationToken)).Count > 0)
            return TypedResults.Problem(title: "Unknown item", statusCode: StatusCodes.Status404NotFound,
                detail: $"No item '{itemId}' is in the catalogue; a user token may rate only items that exist. The rating was not stored.");
        var outcome = await services.Writer.UpsertAsync(new RatingWrite(userId, itemId, value, ratedAt, cited), cancellationToken, createItems);
        if (!outcome.Stored) return ItemsErased(outcome.ErasedItems, "The rating was not stored.");
        var stored = new RatingResponse(userId, itemId, value, outcome.LastRatedAt);
        return outcome.Inserted == 1
            ? TypedResults.Created($"/api/v1/users/{Uri.EscapeDataString(userId)}/ratings/{Uri.EscapeDataString(itemId)}", stored)
            : TypedResults.Ok(stored);
    }

    /// <param name="userId" example="196">The user.</param>
    /// <param name="itemId" example="242">The item.</param>
    private static async Task<Results<NoContent, ProblemHttpResult, ValidationProblem>> DeleteRating(
        string userId, string itemId, [AsParameters] RatingServices services, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.AddIdProblem("userId", userId);
        errors.AddIdProblem("itemId", itemId);
        if (!errors.IsEmpty) return errors.ToProblem("Nothing was deleted.");

        return await services.Writer.DeleteAsync(userId, itemId, cancellationToken)
            ? TypedResults.NoContent()
            : TypedResults.Problem(
                title: "Rating not found",
                detail: $"User '{userId}' has no rating of item '{itemId}'.",
                statusCode: StatusCodes.Status404NotFound);
    }

    /// <param name="userId" example="196">The user.</param>
    /// <param name="limit">Ratings per page, 1-1000.</param>
    /// <param name="cursor">Where the page starts: the previous page's `nextCursor`, unchanged; left out for the first page.</param>
    private static async Task<Results<Ok<UserRatingsPage>, ValidationProblem>> ListRatings(
        string userId,
        // Read as text so that "abc" gets this service's own problem; documented as the number it must be.
        [SchemaAs(typeof(int)), Range(1, ListLimits.MaxLimit), DefaultValue(ListLimits.DefaultLimit)] string? limit,
        string? cursor, [AsParameters] RatingServices services, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.AddIdProblem("userId", userId);
        var pageSize = ListLimits.DefaultLimit;
        if (limit is not null)
        {
            if (int.TryParse(limit, out pageSize)) ListLimits.CheckLimit(pageSize, errors);
            else errors.Add("limit", $"limit must be a whole number between 1 and {ListLimits.MaxLimit}.");
        }
        RatingCursor? after = null;
        if (cursor is not null)
        {
            if (RatingCursor.TryDecode(cursor, out var decoded)) after = decoded;
            else errors.Add("cursor", "This is not a cursor this service handed out; pass nextCursor from the previous page unchanged, or leave it out for the first page.");
        }
        if (!errors.IsEmpty) return errors.ToProblem("The ratings could not be listed.");

        return TypedResults.Ok(await services.List.PageAsync(userId, pageSize, after, cancellationToken));
    }

    // The body is read as one JsonDocument and its rows are walked in place: binding it to RatingBatchRequest would
    // make a separate document of each of the 40,000 fields of a full batch. (A comment, not an XML doc: those would
    // become the route's summary in the OpenAPI document.)
    private static async Task<Results<Ok<RatingBatchResponse>, ValidationProblem, ProblemHttpResult>> PostBatch(
        HttpContext context, [AsParameters] RatingServices services, IAuthorizationService authorization, CancellationToken cancellationToken)
    {
        using var document = await BoundedJsonBody.ReadAsync<JsonDocument>(context, services.Limits.Value.MaxBatchBytes);
        var errors = new ValidationErrors();
        if (Property(document.RootElement, "ratings") is not { ValueKind: JsonValueKind.Array } rows)
        {
            errors.Add("ratings", "A list of ratings is required: {\"ratings\": [{\"userId\", \"itemId\", \"rating\", \"timestamp\"?}, ...]}.");
            return errors.ToProblem("Nothing was stored.");
        }
        var count = rows.GetArrayLength();
        if (count > IngestOptions.MaxBatchRatings)
        {
            errors.Add("ratings", $"A batch holds at most {IngestOptions.MaxBatchRatings:N0} ratings; this one has {count:N0}. " +
                                  "Split it, or bulk-load a CSV through POST /api/v1/ratings/import (admin).");
            return errors.ToProblem("Nothing was stored.");
        }

        var scale = services.Scale.Value.Scale;
        var now = DateTime.UtcNow;
        var ratings = new List<RatingWrite>(count);
        var rowOf = new List<int>(count);
        var i = -1;
        foreach (var row in rows.EnumerateArray())
        {
            i++;
            var prefix = $"ratings[{i}]";
            if (row.ValueKind != JsonValueKind.Object)
            {
                errors.Add(prefix, "A rating object is required.");
                continue;
            }
            var before = errors.Count;
            var userId = JsonFields.ReadId(Property(row, "userId"), prefix + ".userId", errors);
            var itemId = JsonFields.ReadId(Property(row, "itemId"), prefix + ".itemId", errors);
            var value = RatingInput.ReadRating(Property(row, "rating"), scale, prefix + ".rating", errors);
            var ratedAt = JsonFields.ReadTimestamp(Property(row, "timestamp"), now, prefix + ".timestamp", errors);
            var cited = EventBatchReader.ReadRecommendationId(Property(row, "recommendationId"), prefix + ".recommendationId", errors);
            if (errors.Count != before) continue;
            ratings.Add(new RatingWrite(userId!, itemId!, value, ratedAt, cited));
            rowOf.Add(i);
        }
        // A user token may only write its own rows: decided by the same rule as the per-user routes.
        var owners = ratings.Select(r => r.UserId).ToHashSet(StringComparer.Ordinal);
        if (!(await authorization.AuthorizeAsync(context.User, new OwnedUsers(owners), JwtDefaults.EndUserPolicy)).Succeeded)
            return TypedResults.Problem(title: "Forbidden", statusCode: StatusCodes.Status403Forbidden,
                detail: "A user token may only write its own ratings: every row's userId must be the token's user. Nothing was stored.");
        var createItems = MayCreateItems(context.User, services.Limits.Value);
        if (!createItems && ratings.Count > 0)
        {
            var missing = await services.Writer.MissingItemsAsync(ratings.Select(r => r.ItemId), cancellationToken);
            for (var k = 0; k < ratings.Count; k++)
                if (missing.Contains(ratings[k].ItemId))
                    errors.Add($"ratings[{rowOf[k]}].itemId", $"No item '{ratings[k].ItemId}' is in the catalogue; a user token may rate only items that exist.");
        }
        if (!errors.IsEmpty) return BatchProblem(errors);

        var outcome = await services.Writer.UpsertBatchAsync(ratings, cancellationToken, createItems);
        if (!outcome.Stored) return ItemsErased(outcome.ErasedItems, "Nothing was stored.");
        return TypedResults.Ok(new RatingBatchResponse(outcome.Inserted, outcome.Updated));
    }

    /// <summary>The answer to a write that lost the race with the erasure of an item it rates (see <see cref="RatingWriteOutcome"/>).</summary>
    private static ProblemHttpResult ItemsErased(IReadOnlyList<string> itemIds, string nothingStored)
    {
        var named = string.Join(", ", itemIds.Take(IngestOptions.MaxListedBatchErrors).Select(id => $"'{id}'"));
        var what = itemIds.Count == 1
            ? $"Item {named} was"
            : string.Create(CultureInfo.InvariantCulture, $"Items {named}{(itemIds.Count > IngestOptions.MaxListedBatchErrors ? $" and {itemIds.Count - IngestOptions.MaxListedBatchErrors:N0} more" : "")} were");
        return TypedResults.Problem(title: "Item erased", statusCode: StatusCodes.Status409Conflict,
            detail: $"{what} erased while the write was in progress. {nothingStored}");
    }

    /// <summary>
    /// API keys may add items by rating them; a user token only where <see cref="IngestOptions.UserTokensMayCreateItems"/>
    /// allows it, so one end user cannot fill the catalogue (and the popular lists) with made-up items.
    /// </summary>
    private static bool MayCreateItems(ClaimsPrincipal user, IngestOptions options) =>
        options.UserTokensMayCreateItems || user.IsInRole(ApiKeyDefaults.ClientRole);

    private static ValidationProblem BatchProblem(ValidationErrors errors)
    {
        var more = errors.Count - IngestOptions.MaxListedBatchErrors;
        return errors.ToProblem(more <= 0
            ? $"{errors.Count} field(s) of the batch are not valid; nothing was stored."
            : string.Create(CultureInfo.InvariantCulture,
                $"{errors.Count:N0} fields of the batch are not valid: the first {IngestOptions.MaxListedBatchErrors} are listed, {more:N0} more are not. Nothing was stored."),
            IngestOptions.MaxListedBatchErrors);
    }
    private static async Task<Results<Ok<RatingImportResponse>, ValidationProblem, ProblemHttpResult>> Import(
        HttpRequest request, [AsParameters] RatingServices services, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(
                title: "Unsupported media type",
                detail: $"Send the ratings as CSV with Content-Type: text/csv (one 'userId,itemId,rating[,timestamp]' per line); got '{request.ContentType}'.",
                statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        var maxBytes = services.Limits.Value.MaxImportBytes;
        if (request.ContentLength > maxBytes) throw BoundedJsonBody.TooLarge(maxBytes);
        var result = await services.Importer.ImportAsync(request.BodyReader, maxBytes, cancellationToken);
        if (result.Errors.Count > 0)
        {
            var errors = new ValidationErrors();
            foreach (var error in result.Errors) errors.Add($"line {error.Line}", error.Message);
            var first = result.Errors[0];
            return errors.ToProblem($"Line {first.Line}: {first.Message} Nothing was imported.");
        }
        return TypedResults.Ok(new RatingImportResponse(result.Imported, Math.Round(result.Elapsed.TotalSeconds, 3)));
    }
}
