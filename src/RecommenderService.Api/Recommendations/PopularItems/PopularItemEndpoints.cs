using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

using RecommenderService.Api.Infrastructure;
using RecommenderService.Api.Items.PopularItems;
using RecommenderService.Api.Outcomes.Impressions;
using RecommenderService.Api.Recommendations.Feeds;
using RecommenderService.Api.Security;
using RecommenderService.Api.Validation;
using RecommenderService.Engine;

namespace RecommenderService.Api.Recommendations.PopularItems;

/// <summary>The popular list, <c>GET /api/v1/items/popular</c> (docs/api.md, "Items").</summary>
public static class PopularItemEndpoints
{
    /// <summary>
    /// How long a client may reuse the popular list unasked. The list follows writes within about a second, so
    /// reuse is kept short (it still saves a phone the round trip when going back and forth) and never longer
    /// than the safety-net refresh.
    /// </summary>
    private static int PopularMaxAgeSeconds(IServiceProvider services) =>
        Math.Min(10, services.GetRequiredService<IOptions<PopularityOptions>>().Value.RefreshSeconds);

    public static IEndpointRouteBuilder MapPopularItemEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/items")
            .WithTags("Items")
            .RequireAuthorization(JwtDefaults.EndUserPolicy);

        // Mapped before the catalogue's "/{itemId}" for the reader; routing prefers the literal segment anyway.
        group.MapGet("/popular", GetPopular)
            .WithName("GetPopularItems")
            .WithSummary("Get the popular items: what a new visitor is shown")
            .WithDescription("""
                The list a newcomer (no ratings, no profile) is served: the popular list the active model version's
                training judged best on its newcomers (`Popularity:NewcomerList` pins one; before any training judged,
                the damped mean). `by=` names a list instead: `most-rated`, `damped-mean`, `recent-most-rated`,
                `liked-count`, `liked-boosted`, `liked-lower-bound` or `trending`; `list` in the answer says which list it
                is. Kept in memory and recomputed from per-item statistics within about a second of any write, never per request.
                `filter=key:value` (repeatable, all must hold, applied before the cut) and `include=attributes` work as
                for recommendations. Carries an `ETag` (`If-None-Match` answers 304) and `Cache-Control: private,
                max-age` (at most 10 s, never more than `Popularity:RefreshSeconds`).
                """)
            .WithETag(PopularMaxAgeSeconds)
            .RecordsImpressions();
        return app;
    }

    /// <param name="count">How many items, 1-100.</param>
    /// <param name="filter" example="genres:Sci-Fi">key:value, repeatable, all must hold: the item's attribute equals the value or, for an array, contains it.</param>
    /// <param name="include" example="attributes">`attributes`: add each item's attributes.</param>
    /// <param name="by" example="most-rated">A named popular list instead of the one newcomers are served.</param>
    private static async Task<Results<Ok<PopularItemsResponse>, ValidationProblem>> GetPopular(
        [FromQuery, Range(1, ListLimits.MaxCount), DefaultValue(ListLimits.DefaultCount)] int? count, [FromQuery] string[]? filter,
        [FromQuery] string? include,
        [FromQuery, AllowedValues(PopularityLists.MostRated, PopularityLists.DampedMean, PopularityLists.RecentMostRated, PopularityLists.LikedCount,
            PopularityLists.LikedBoosted, PopularityLists.LikedLowerBound, PopularityLists.Trending)] string? by,
        PopularItemsFeed popular, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        ListLimits.CheckCount(count, errors);
        var feed = FeedQuery.ReadFiltersOnly(count ?? ListLimits.DefaultCount, filter, include, errors);
        PopularityList? list = null;
        if (by is not null)
        {
            if (PopularityLists.TryParse(by, out var named)) list = named;
            else errors.Add("by", $"by must be one of {string.Join(", ", PopularityLists.Names)}.");
        }
        if (!errors.IsEmpty) return errors.ToProblem("The list parameters are not valid.");

        return TypedResults.Ok(await popular.ListAsync(feed, list, cancellationToken));
    }
}
