using System.Text.Json;
using RecommenderService.Api.Persistence.Entities;

namespace RecommenderService.Api.Contracts;

/// <summary>A model version as API.md shows it (<c>GET /api/v1/model</c>, <c>/model/versions</c>).</summary>
public sealed record ModelVersionResponse(
    int Version,
    string Status,
    string? Reason,
    DateTimeOffset? TrainedAt,
    DateTimeOffset? ActivatedAt,
    JsonElement Hyperparameters,
    ModelCounts Counts,
    JsonElement Metrics,
    double TrainingSeconds,
    string? JobId)
{
    public static ModelVersionResponse From(ModelVersionEntity entity) => new(
        entity.Version,
        entity.Status,
        entity.Reason,
        entity.TrainedAt,
        entity.ActivatedAt,
        ParseObject(entity.Hyperparameters),
        new ModelCounts(entity.UserCount, entity.ItemCount, entity.RatingCount),
        ParseObject(entity.Metrics),
        entity.TrainingSeconds,
        entity.JobId);

    private static JsonElement ParseObject(string json)
    {
        using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json);
        return document.RootElement.Clone();
    }
}

/// <summary>How much data a model was trained on.</summary>
public sealed record ModelCounts(int Users, int Items, long Ratings);
