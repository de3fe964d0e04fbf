using System.ComponentModel.DataAnnotations;
using System.Text.Json;

using RecommenderService.Api.Model.Experiments;
using RecommenderService.Api.Model.Versions;
using RecommenderService.Api.OpenApi;
using RecommenderService.Api.Outcomes.Figures;
using RecommenderService.Api.Persistence.Entities;

namespace RecommenderService.Api.Model;

/// <summary>A model version: how it was trained, on how much data, how well it did, and whether it is served.</summary>
/// <param name="Version">The version number, increasing with every training.</param>
/// <param name="Status">
/// <c>training</c> (being trained now), <c>active</c> (served), <c>superseded</c> (was active; kept for rollback),
/// <c>rejected</c> (trained but refused by the quality checks; see <c>reason</c>) or <c>failed</c> (see <c>reason</c>).
/// </param>
/// <param name="Reason">Why the version was rejected or failed; null otherwise.</param>
/// <param name="TrainedAt">When training finished; null while training or after a failure.</param>
/// <param name="ActivatedAt">When it was last made active; null if it never was.</param>
/// <param name="Hyperparameters">The settings it was trained with.</param>
/// <param name="Counts">How much data it was trained on.</param>
/// <param name="Metrics">How well it did on the newest ratings, held out from its training; empty until measured.</param>
/// <param name="TrainingSeconds">How long the training took.</param>
/// <param name="JobId">The retrain job that made it; null for versions made otherwise.</param>
/// <param name="ListSource">
/// Where the version's lists come from, the source that won on its held-out ratings: <c>ranking-head</c> (the
/// list-ranking model weighted by the predicted rating), <c>ranking-head-only</c> (the list-ranking model alone),
/// <c>rating-head</c> (ordered by predicted rating) or <c>popularity</c>; null for a version that never finished training.
/// </param>
/// <param name="Online">
/// How the lists it served did once shown, in the last <c>Outcomes:WindowHours</c> (24): click-through, liked ratings and
/// each event type's rate, with 95 % intervals, in all and per strategy and source (zero lists for a version that served none).
/// </param>
/// <param name="EndedExperiment">On the answer of an activation only: the running experiment the activation ended; null otherwise.</param>
public sealed record ModelVersionResponse(
    int Version,
    [property: AllowedValues(ModelStatus.Training, ModelStatus.Active, ModelStatus.Superseded, ModelStatus.Rejected, ModelStatus.Failed)] string Status,
    string? Reason,
    DateTimeOffset? TrainedAt,
    DateTimeOffset? ActivatedAt,
    [property: SchemaAs(typeof(ModelHyperparameters))] JsonElement Hyperparameters,
    ModelCounts Counts,
    [property: SchemaAs(typeof(ModelMetrics))] JsonElement Metrics,
    double TrainingSeconds,
    string? JobId,
    [property: AllowedValues(ListSourceNames.RankingHead, ListSourceNames.RankingHeadOnly, ListSourceNames.RatingHead, ListSourceNames.Popularity)] string? ListSource,
    OnlineFigures Online,
    [property: SchemaAs(typeof(EndedExperiment), Nullable = true)] EndedExperiment? EndedExperiment = null)
{
    public static ModelVersionResponse From(ModelVersionEntity entity, OnlineFigures online) => new(
        entity.Version,
        entity.Status,
        entity.Reason,
        entity.TrainedAt,
        entity.ActivatedAt,
        ParseObject(entity.Hyperparameters),
        new ModelCounts(entity.UserCount, entity.ItemCount, entity.RatingCount),
        ParseObject(entity.Metrics),
        entity.TrainingSeconds,
        entity.JobId,
        ListSourceOf(entity.Metrics),
        online);

    /// <summary>
    /// Where the version's lists come from (<c>ranking-head</c>, <c>ranking-head-only</c>, <c>rating-head</c> or <c>popularity</c>): the source
    /// that won on its holdout; null for a version that never finished training.
    /// </summary>
    private static string? ListSourceOf(string metrics)
    {
        if (string.IsNullOrWhiteSpace(metrics)) return null;
        using var document = JsonDocument.Parse(metrics);
        return document.RootElement.TryGetProperty("listSource", out var source) && source.ValueKind == JsonValueKind.String ? source.GetString() : null;
    }

    private static JsonElement ParseObject(string json)
    {
        using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json);
        return document.RootElement.Clone();
    }
}

/// <summary>How much data a model was trained on.</summary>
/// <param name="Users">Users.</param>
/// <param name="Items">Items.</param>
/// <param name="Ratings">Ratings.</param>
public sealed record ModelCounts(int Users, int Items, long Ratings);
