using Microsoft.Extensions.Options;

using RecommenderService.Api.Items.PopularItems;
using RecommenderService.Api.Model.Loading;
using RecommenderService.Engine;

namespace RecommenderService.Api.Recommendations.PopularItems;

/// <summary>
/// Which popular list newcomers are served (and <c>GET /api/v1/items/popular</c> shows): the list an operator pinned
/// (<c>Popularity:NewcomerList</c>), else the one the active version's training judged best on its newcomers, else,
/// before any version has judged, the damped mean (the list served before lists were judged).
/// </summary>
public sealed class NewcomerListChoice(IOptions<PopularityOptions> options, ModelHolder models)
{
    public const PopularityList BeforeJudging = PopularityList.DampedMean;

    public PopularityList Current => options.Value.PinnedList ?? models.Current?.NewcomerList ?? BeforeJudging;
}
