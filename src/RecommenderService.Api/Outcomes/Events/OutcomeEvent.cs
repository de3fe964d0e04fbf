namespace RecommenderService.Api.Outcomes.Events;

/// <summary>A validated outcome event to store.</summary>
public readonly record struct OutcomeEvent(string UserId, string ItemId, string Type, DateTime? OccurredAt, Guid? RecommendationId, double? Value);
