using System.Text.Json;
using RecommenderService.Api.Model.Versions;
using RecommenderService.Api.Persistence.Entities;

namespace RecommenderService.Api.Dashboard;

/// <summary>
/// What the dashboard shows of a model version: its row, with the figures read out of its metrics and
/// hyperparameters (JSON, which older versions hold fewer fields of: every figure may be missing).
/// </summary>
public sealed record VersionFigures(
    int Version, string Status, string? Reason, string? JobId,
    DateTimeOffset CreatedAt, DateTimeOffset? TrainedAt, DateTimeOffset? ActivatedAt, double TrainingSeconds,
    int Users, int Items, long Ratings,
    double? Rmse, double? BaselineRmse, double? Ndcg, double? PopularityNdcg, double? ServedPopularityNdcg,
    double? Precision, double? PopularityPrecision, double? ServedPopularityPrecision,
    string? ListSource, string? NewcomerList, int? Epochs, int? BestEpoch, RetrainTimings? Timings)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public bool Measured => Rmse is not null;

    /// <summary>Finished trainings other than the active one may be put in use (the activation says if its model was pruned).</summary>
    public bool MayBeActivated => Status is ModelStatus.Superseded or ModelStatus.Rejected;

    public static VersionFigures From(ModelVersionEntity row)
    {
        using var metrics = Parse(row.Metrics);
        using var hyperparameters = Parse(row.Hyperparameters);
        var m = metrics.RootElement;
        var h = hyperparameters.RootElement;
        return new VersionFigures(row.Version, row.Status, row.Reason, row.JobId, row.CreatedAt, row.TrainedAt, row.ActivatedAt, row.TrainingSeconds,
            row.UserCount, row.ItemCount, row.RatingCount,
            Number(m, "rmse"), Number(m, "baselineRmse"), Number(m, "ndcgAt10"), Number(m, "popularityNdcgAt10"), Number(m, "servedPopularityNdcgAt10"),
            Number(m, "precisionAt10"), Number(m, "popularityPrecisionAt10"), Number(m, "servedPopularityPrecisionAt10"),
            Text(m, "listSource"), m.TryGetProperty("newcomerList", out var newcomers) ? Text(newcomers, "served") : null,
            (int?)Number(h, "epochs"), (int?)Number(h, "bestEpoch"), ReadTimings(m));
    }

    private static RetrainTimings? ReadTimings(JsonElement metrics)
    {
        if (!metrics.TryGetProperty("timings", out var timings) || timings.ValueKind != JsonValueKind.Object) return null;
        try
        {
            return timings.Deserialize<RetrainTimings>(Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonDocument Parse(string json)
    {
        try
        {
            return JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json);
        }
        catch (JsonException)
        {
            return JsonDocument.Parse("{}");
        }
    }

    private static double? Number(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetDouble()
            : null;

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
