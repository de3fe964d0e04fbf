namespace RecommenderService.Engine;

/// <summary>
/// Why an item ranks for a user (<see cref="RankingReasons.Explain(int, int)"/>): its ranking score and the rated items that
/// contribute most to it, largest first; empty when the score is not positive (nothing the user rated speaks for it).
/// </summary>
/// <param name="Item">The explained item (model item index).</param>
/// <param name="Score">Its ranking score x·y_i with the vector served.</param>
/// <param name="Unexplained">
/// The part of <paramref name="Score"/> no rated item makes: 0 up to rounding when the vector served is the exact solve
/// (<see cref="RankingReasons.Vector"/>, a folded-in user), otherwise (x − that solve)·y_i, e.g. for a trained user's
/// stored row. Every rated item's contribution plus this is the score.
/// </param>
/// <param name="Top">The largest positive contributions, largest first.</param>
public sealed record ItemReasons(int Item, float Score, float Unexplained, RatedItemReason[] Top);
