using RecommenderService.Api.Contracts;
using RecommenderService.Engine;

namespace RecommenderService.Api.Serving;

/// <summary>
/// Makes a user's list: from the model, from a folded-in vector, or from popularity (API.md,
/// "Recommendations"). Reads the active model once per request through <see cref="ModelHolder"/>.
/// </summary>
public sealed class RecommendationService(
    ModelHolder models,
    UserRatingsCache users,
    UserModelViews views,
    PopularityCache popularity,
    ItemTitles titles,
    ServiceMetrics metrics)
{
    public async Task<RecommendationResponse> RecommendAsync(string userId, int count, bool excludeRated, CancellationToken cancellationToken)
    {
        var serving = models.Current;
        var user = await users.GetAsync(userId, cancellationToken);

        if (serving is not null && user.Count > 0)
        {
            var view = views.For(serving, user);
            if (view.Strategy != RecommendationStrategy.Popularity)
            {
                var model = serving.Model;
                var top = TopN.ForUser(model, view.Vector!, view.Bias, count, excludeRated ? view.RatedModelItems : ReadOnlySpan<int>.Empty);
                var ids = new string[top.Length];
                for (var k = 0; k < top.Length; k++) ids[k] = model.Items[top[k].Item];
                var names = await titles.GetAsync(ids, cancellationToken);
                var items = new RecommendedItem[top.Length];
                for (var k = 0; k < top.Length; k++)
                    items[k] = new RecommendedItem(ids[k], Math.Round(model.Scale.Clamp(top[k].Score), 4), names[k]);
                metrics.Recommended(view.Strategy);
                return new RecommendationResponse(userId, view.Strategy, serving.Version, items);
            }
        }

        var list = await PopularListAsync(count, excludeRated ? user.ItemIds : [], cancellationToken);
        metrics.Recommended(RecommendationStrategy.Popularity);
        return new RecommendationResponse(userId, RecommendationStrategy.Popularity, serving?.Version, list);
    }

    private async Task<RecommendedItem[]> PopularListAsync(int count, string[] excluded, CancellationToken cancellationToken)
    {
        var snapshot = await popularity.GetAsync(cancellationToken);
        var skip = excluded.Length == 0 ? null : new HashSet<string>(excluded, StringComparer.Ordinal);
        var items = new List<RecommendedItem>(count);
        foreach (var entry in snapshot.Ranking)
        {
            var id = snapshot.ItemIds[entry.Item];
            if (skip is not null && skip.Contains(id)) continue;
            items.Add(new RecommendedItem(id, Math.Round(entry.Score, 4), snapshot.Titles[entry.Item]));
            if (items.Count == count) break;
        }
        return items.ToArray();
    }
}
