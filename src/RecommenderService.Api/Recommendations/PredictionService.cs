using RecommenderService.Api.Items;
using RecommenderService.Api.Items.Erasure;
using RecommenderService.Api.Items.PopularItems;
using RecommenderService.Api.Model.Loading;

namespace RecommenderService.Api.Recommendations;

/// <summary>
/// Predicted ratings (API.md, <c>GET .../predictions/{itemId}</c>), with the same strategy rules as lists:
/// the user's model vector, a folded-in vector, or — for a user the model cannot personalise — the
/// item's baseline (μ + b_i from the model, or its damped mean when the model does not know the item). An item added
/// after training is in the served model when its attributes derive its vectors (<see cref="ServingModelSource"/>).
/// </summary>
public sealed class PredictionService(
    ServingModelSource models,
    ServingPlans plans,
    PopularityCache popularity,
    ItemCatalog catalog,
    ErasedItems erased)
{
    /// <summary>The prediction, or null when the item is unknown to the service.</summary>
    public async Task<PredictionResponse?> PredictAsync(string userId, string itemId, CancellationToken cancellationToken)
    {
        var serving = await models.CurrentAsync(cancellationToken);
        // A retired item still answers; an erased one is never scored from vectors learnt from its erased ratings.
        if (serving is not null && serving.Model.Items.TryGetIndex(itemId, out var item) && erased.MayServe(itemId, serving.DataCutoff))
        {
            var model = serving.Model;
            var view = await plans.ForPredictionAsync(userId, serving, cancellationToken);
            float score;
            string strategy;
            if (view is not null)
            {
                score = model.Score(view.RatingVectorIn(model), view.Bias, item);
                strategy = view.Strategy;
            }
            else
            {
                score = model.GlobalMean + model.ItemBias[item];
                strategy = RecommendationStrategy.Popularity;
            }
            return new PredictionResponse(userId, itemId, Math.Round(model.Scale.Clamp(score), 4), strategy, serving.Version);
        }

        var snapshot = await popularity.GetAsync(cancellationToken);
        // The list may predate an erasure: the erased item's old figures are not its figures.
        var rated = snapshot.TryGetScore(itemId, popularity.PriorCount, out var damped) && !erased.ErasedAfter(itemId, snapshot.ErasuresHeard);
        if (!rated)
        {
            if (!await catalog.ExistsAsync(itemId, cancellationToken)) return null;
            damped = snapshot.GlobalMean;
        }
        return new PredictionResponse(userId, itemId, Math.Round(damped, 4), RecommendationStrategy.Popularity, serving?.Version);
    }
}
