namespace RecommenderService.Api.Items.PopularItems;

/// <summary>
/// The rating at and above which a rating counts as liked, on the service's scale. The model's training settings own it
/// (<c>Training:LikedThreshold</c>); the item figures only read it.
/// </summary>
public interface ILikedThreshold
{
    double Value { get; }
}
