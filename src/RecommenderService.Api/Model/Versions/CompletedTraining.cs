namespace RecommenderService.Api.Model.Versions;

/// <summary>What a finished training records on its version row.</summary>
/// <param name="Hyperparameters">The settings it was trained with.</param>
/// <param name="Metrics">Its holdout figures and the active model's on the same ratings.</param>
/// <param name="Users">Users in the model.</param>
/// <param name="Items">Items in the model.</param>
/// <param name="Ratings">Ratings it was trained on.</param>
/// <param name="Seconds">Time from start to storing.</param>
/// <param name="DataCutoff">Ratings written from this instant on are not in the model.</param>
/// <param name="Rejection">Why the gate rejected it, or null when accepted.</param>
public sealed record CompletedTraining(
    ModelHyperparameters Hyperparameters, ModelMetrics Metrics, int Users, int Items, long Ratings, double Seconds,
    DateTimeOffset DataCutoff, string? Rejection);
