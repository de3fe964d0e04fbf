namespace RecommenderService.Engine;

/// <summary>
/// Why an item ranks for a user (<see cref="RankingReasons.Explain(int, int)"/>): its ranking score and the rated items and
/// prior tokens that contribute most to it, largest first; both empty when the score is not positive (nothing the user
/// rated or told speaks for it).
/// </summary>
/// <param name="Item">The explained item (model item index).</param>
/// <param name="Score">Its ranking score x·y_i with the vector served.</param>
/// <param name="Unexplained">
/// The part of <paramref name="Score"/> no rated item, prior token or base makes: 0 up to rounding when the vector served is
/// the one explained (<see cref="RankingReasons.Vector"/>), otherwise (x − that vector)·y_i, e.g. for a row stored by a
/// model trained before stored rows were exact solves. Every part plus this is the score.
/// </param>
/// <param name="Top">The rated items' largest positive contributions, largest first.</param>
/// <param name="Attributes">The prior's tokens' largest positive contributions, largest first; empty without a prior.</param>
/// <param name="Base">The part of the prior's base (the mean user, <see cref="RankingPrior.Base"/>); 0 without a prior.</param>
public sealed record ItemReasons(int Item, float Score, float Unexplained, RatedItemReason[] Top, AttributeReason[] Attributes, float Base);
