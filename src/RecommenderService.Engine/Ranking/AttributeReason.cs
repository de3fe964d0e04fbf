namespace RecommenderService.Engine;

/// <summary>
/// One token of what a user told the service (<see cref="RankingPrior"/>) and its part in an item's ranking score
/// (<see cref="RankingReasons"/>).
/// </summary>
/// <param name="Token">The <c>key:value</c> token.</param>
/// <param name="Source">From the profile or the onboarding likes.</param>
/// <param name="Contribution">Its part x₀_t·y_i of the score.</param>
/// <param name="Share">Contribution ÷ score.</param>
public readonly record struct AttributeReason(string Token, RankingPriorSource Source, float Contribution, float Share);
