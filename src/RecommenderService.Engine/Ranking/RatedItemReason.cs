namespace RecommenderService.Engine;

/// <summary>
/// One rated item's part in another item's ranking score (<see cref="RankingReasons"/>).
/// </summary>
/// <param name="Item">The rated item (model item index).</param>
/// <param name="Contribution">(y_iᵀ W^u y_j) t_j: how much of the score it makes.</param>
/// <param name="Share">Contribution ÷ score; every rated item's shares add up to 1, and one can exceed 1 when others pull down.</param>
public readonly record struct RatedItemReason(int Item, float Contribution, float Share);
