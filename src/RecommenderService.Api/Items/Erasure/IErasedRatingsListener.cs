namespace RecommenderService.Api.Items.Erasure;

/// <summary>
/// Hears, on the replica that erased an item, which users lost ratings with it: their cached ratings are stale at once,
/// before the notice reaches every replica (the users' cache listens here; the catalogue knows nothing of it).
/// </summary>
public interface IErasedRatingsListener
{
    void RatingsErased(string userId);
}
