using RecommenderService.Engine;

namespace RecommenderService.Api.Recommendations.Feeds;

/// <summary>
/// The last list ranked from one <see cref="UserModelView"/>: the <paramref name="Depth"/> best items, with or
/// without the user's rated items. A deeper list holds every shallower one as its prefix. Ranked under the listing
/// rules of <paramref name="AvailabilitySequence"/> and <paramref name="ErasuresHeard"/>
/// (<see cref="ListableItems.StillHolds"/> tells whether it may serve under later ones).
/// </summary>
public sealed record RankedList(int Depth, bool ExcludeRated, ScoredItem[] Top, long AvailabilitySequence = 0, long ErasuresHeard = 0);
