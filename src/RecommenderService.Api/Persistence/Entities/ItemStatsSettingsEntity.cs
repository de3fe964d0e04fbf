namespace RecommenderService.Api.Persistence.Entities;

/// <summary>
/// The one row (id 1) of what the rating triggers need to know: the rating at or above which a rating counts as liked in
/// the per-item statistics (<c>Training:LikedThreshold</c>). Owner: <c>LikedCountThreshold</c>, which sets it on start
/// and recounts the liked figures when it changes; no row means nothing counts as liked yet.
/// </summary>
public sealed class ItemStatsSettingsEntity
{
    public int Id { get; set; }
    public double LikedThreshold { get; set; }
}
