using System.Text.Json;

using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

using RecommenderService.Api.Items;
using RecommenderService.Api.Items.PopularItems;
using RecommenderService.Api.Recommendations;
using RecommenderService.Api.Recommendations.Feeds;
using RecommenderService.Api.Recommendations.PopularItems;
using RecommenderService.Api.Recommendations.SimilarItems;
using RecommenderService.Api.Validation;
using RecommenderService.Engine;

namespace RecommenderService.Api.Dashboard.Pages;

/// <summary>
/// "Why is this item never shown?": an item's catalogue data, availability and rating histogram, its similar items
/// (<see cref="SimilarItemsService"/>, as <c>GET /api/v1/items/{itemId}/similar</c>), and the popular list with its scores
/// (<see cref="PopularItemsFeed"/>, as <c>GET /api/v1/items/popular</c>).
/// </summary>
public sealed class ItemsPage(ItemCatalog catalog, ItemRatingHistogram histogram, SimilarItemsService similar, PopularItemsFeed popular,
    NewcomerListChoice newcomerList, IOptions<PopularityOptions> popularity) : PageModel
{
    public const int ListLength = 20;

    public string? ItemId { get; private set; }
    public string? Problem { get; private set; }
    public ItemResponse? Item { get; private set; }
    public IReadOnlyList<(string Label, long Count)> Histogram { get; private set; } = [];
    public SimilarItemsOutcome? Similar { get; private set; }

    public string ListName { get; private set; } = PopularityLists.DampedMean;
    public string NewcomerList => PopularityLists.Name(newcomerList.Current);
    public PopularItemsResponse? Popular { get; private set; }
    public double PriorCount => popularity.Value.PriorCount;

    public async Task OnGetAsync(string? item, string? by, CancellationToken cancellationToken)
    {
        if (by is not null && PopularityLists.TryParse(by, out var list)) ListName = PopularityLists.Name(list);
        PopularityLists.TryParse(ListName, out var chosen);
        Popular = await popular.ListAsync(FeedQuery.Plain(ListLength), chosen, cancellationToken);
        if (string.IsNullOrEmpty(item)) return;

        ItemId = item;
        if (ExternalId.Problem(item) is { } problem)
        {
            Problem = problem;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        Item = await catalog.GetAsync(item, cancellationToken);
        if (Item is null)
        {
            Problem = $"No item '{item}' is known to the service.";
            Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        Histogram = await histogram.ReadAsync(item, cancellationToken);
        var errors = new ValidationErrors();
        Similar = await similar.FindAsync(item, FeedQuery.ReadFiltersOnly(10, null, "reasons", errors, reasonsOffered: true), cancellationToken);
    }

    /// <summary>An attribute's value as text: arrays joined, strings bare, anything else as JSON.</summary>
    public static string AttributeText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Array => string.Join(", ", value.EnumerateArray().Select(AttributeText)),
        _ => value.GetRawText(),
    };
}
