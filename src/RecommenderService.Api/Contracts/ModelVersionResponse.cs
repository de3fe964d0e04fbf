using System.Text.Json;
using RecommenderService.Api.Persistence.Entities;

namespace RecommenderService.Api.Contracts;

/// <summary>A model version as the contract shows it (<c>GET /api/v1/model</c>, <c>/model/versions</c>).</summary>
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
    string? JobId,
    string? ListSource)
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
        entity.JobId,
        ListSourceOf(entity.Metrics));

    /// <summary>
    /// Where the version's lists come from (<c>ranking-head</c>, <c>rating-head</c> or <c>popularity</c>): the source
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
public sealed record ModelCounts(int Users, int Items, long Ratings);
