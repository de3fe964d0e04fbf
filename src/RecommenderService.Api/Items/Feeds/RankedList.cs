using RecommenderService.Api.Users;
using RecommenderService.Engine;

namespace RecommenderService.Api.Items.Feeds;

/// <summary>
/// The last list ranked from one <see cref="UserModelView"/>: the <paramref name="Depth"/> best items, with or
/// without the user's rated items. A deeper list holds every shallower one as its prefix.
/// </summary>
public sealed record RankedList(int Depth, bool ExcludeRated, ScoredItem[] Top);
