namespace RecommenderService.Engine;

/// <summary>One token's part of a <see cref="RankingPrior"/>.</summary>
/// <param name="Token">The <c>key:value</c> token (<see cref="UserAttributeTokens"/> for the profile, <see cref="AttributeTokens"/> for a like).</param>
/// <param name="Source">Whether it came from the profile or the onboarding likes.</param>
/// <param name="Vector">What it adds to x₀.</param>
public sealed record RankingPriorPart(string Token, RankingPriorSource Source, float[] Vector);
