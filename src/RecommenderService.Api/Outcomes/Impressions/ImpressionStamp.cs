namespace RecommenderService.Api.Outcomes.Impressions;

/// <summary>
/// Gives a list its <c>recommendationId</c> and, when impressions are recorded, the <see cref="Impression"/> that
/// <see cref="ImpressionRecording"/> queues once the list is sent.
/// </summary>
public sealed class ImpressionStamp(ImpressionQueue queue, TimeProvider clock)
{
    public (string RecommendationId, Impression? Impression) Next(string list, string? userId, string strategy, string source, int? modelVersion,
        long? experimentId, string? arm, string[] items)
    {
        var id = RecommendationIds.New();
        Impression? impression = queue.Enabled
            ? new Impression(id, userId, list, strategy, source, modelVersion, experimentId, arm, ListedItems.Of(items), clock.GetUtcNow())
            : null;
        return (RecommendationIds.Format(id), impression);
    }
}
