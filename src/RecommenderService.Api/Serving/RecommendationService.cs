using Npgsql;
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
    ServiceMetrics metrics,
    ILogger<RecommendationService> logger)
{
    public async Task<RecommendationResponse> RecommendAsync(string userId, int count, bool excludeRated, CancellationToken cancellationToken)
    {
        var serving = models.Current;
        UserRatings user;
        try
        {
            user = await users.GetAsync(userId, cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException && serving is not null && serving.Model.Users.TryGetIndex(userId, out _))
        {
            // The database is down but the model in memory knows this user: serve it rather than fail.
            // Their rated items cannot be read, so none are excluded; logged so it is not silent.
            logger.LogWarning("Database unavailable ({Error}); serving user {UserId} from the model without exclusions", ex.Message, userId);
            serving.Model.Users.TryGetIndex(userId, out var index);
            return await FromModelAsync(serving, userId, RecommendationStrategy.Model, serving.Model.UserFactors.AsMemory(index * serving.Model.Factors, serving.Model.Factors), serving.Model.UserBias[index], count, [], cancellationToken);
        }

        if (serving is not null && user.Count > 0)
        {
            var view = views.For(serving, user);
            if (view.Strategy != RecommendationStrategy.Popularity)
                return await FromModelAsync(serving, userId, view.Strategy, view.Vector, view.Bias, count, excludeRated ? view.RatedModelItems : [], cancellationToken);
        }

        var list = await PopularListAsync(count, excludeRated ? user.ItemIds : [], cancellationToken);
        metrics.Recommended(RecommendationStrategy.Popularity);
        return new RecommendationResponse(userId, RecommendationStrategy.Popularity, serving?.Version, list);
    }

    private async Task<RecommendationResponse> FromModelAsync(
        ServingModel serving, string userId, string strategy, ReadOnlyMemory<float> vector, float bias, int count, int[] excluded,
        CancellationToken cancellationToken)
    {
        var model = serving.Model;
        var top = TopN.ForUser(model, vector.Span, bias, count, excluded);
        var ids = new string[top.Length];
        for (var k = 0; k < top.Length; k++) ids[k] = model.Items[top[k].Item];
        var names = await TitlesAsync(ids, cancellationToken);
        var items = new RecommendedItem[top.Length];
        for (var k = 0; k < top.Length; k++)
            items[k] = new RecommendedItem(ids[k], Math.Round(model.Scale.Clamp(top[k].Score), 4), names[k]);
        metrics.Recommended(strategy);
        return new RecommendationResponse(userId, strategy, serving.Version, items);
    }

    /// <summary>Titles are decoration: without the database a list goes out without them rather than not at all.</summary>
    private async ValueTask<string?[]> TitlesAsync(string[] ids, CancellationToken cancellationToken)
    {
        try
        {
            return await titles.GetAsync(ids, cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            logger.LogWarning("Item titles unavailable: {Error}", ex.Message);
            return new string?[ids.Length];
        }
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
