using System.Text.Json;

using RecommenderService.Api.Items.PopularItems;
using RecommenderService.Engine;

namespace RecommenderService.Api.Recommendations.PopularItems;

/// <summary>One page of a popular list, as <see cref="PopularPages"/> cut it.</summary>
/// <param name="Snapshot">The popularity snapshot the page was cut from (its figures: rating count, mean).</param>
/// <param name="Entries">The page's items (indices of <paramref name="Snapshot"/>) and their list scores, in order.</param>
/// <param name="Ids">The items' external ids.</param>
/// <param name="Titles">Their titles.</param>
/// <param name="Attributes">Their attributes when asked for (<c>include=attributes</c>); null otherwise.</param>
public sealed record PopularPage(PopularitySnapshot Snapshot, ScoredItem[] Entries, string[] Ids, string?[] Titles, JsonElement?[]? Attributes);
