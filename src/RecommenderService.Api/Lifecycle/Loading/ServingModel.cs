using RecommenderService.Engine;

using RecommenderService.Api.Serving;
using RecommenderService.Api.Infrastructure;

namespace RecommenderService.Api.Lifecycle;

/// <summary>The active model with what the serving path needs to know about it.</summary>
/// <param name="Version">Row of <c>model_versions</c> it came from.</param>
/// <param name="Model">The trained factors.</param>
/// <param name="DataCutoff">Ratings written after this instant are not in the model: their users are folded in.</param>
/// <param name="TrainedAt">When training finished.</param>
public sealed record ServingModel(int Version, FactorModel Model, DateTimeOffset DataCutoff, DateTimeOffset TrainedAt);
