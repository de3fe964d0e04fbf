using System.Runtime.CompilerServices;
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
    // A user's list stays the same until their ratings change or the model swaps, and either makes a new
    // view: so the last list computed from a view is remembered with it, and a repeated request skips the
    // pass over every item's factors (at k=128 that pass reads the whole Q matrix, most of a request's cost).
    private readonly ConditionalWeakTable<UserModelView, RankedList> _lastLists = new();

    private sealed record RankedList(int Count, bool ExcludeRated, ScoredItem[] Top);

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
            {
                if (!_lastLists.TryGetValue(view, out var last) || last.Count != count || last.ExcludeRated != excludeRated)
                {
                    last = new RankedList(count, excludeRated,
                        TopN.ForUser(serving.Model, view.Vector, view.Bias, count, excludeRated ? view.RatedModelItems : []));
                    _lastLists.AddOrUpdate(view, last);
                }
                return await ListAsync(serving, userId, view.Strategy, last.Top, cancellationToken);
            }
        }

        var list = await PopularListAsync(count, excludeRated ? user.ItemIds : [], cancellationToken);
        metrics.Recommended(RecommendationStrategy.Popularity);
        return new RecommendationResponse(userId, RecommendationStrategy.Popularity, serving?.Version, list);
    }

    private Task<RecommendationResponse> FromModelAsync(
        ServingModel serving, string userId, string strategy, ReadOnlyMemory<float> vector, float bias, int count, int[] excluded,
        CancellationToken cancellationToken) =>
        ListAsync(serving, userId, strategy, TopN.ForUser(serving.Model, vector.Span, bias, count, excluded), cancellationToken);

    private async Task<RecommendationResponse> ListAsync(ServingModel serving, string userId, string strategy, ScoredItem[] top, CancellationToken cancellationToken)
    {
        var model = serving.Model;
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
