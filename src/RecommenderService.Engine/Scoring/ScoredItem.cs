namespace RecommenderService.Engine;

/// <summary>An item index with its score (predicted rating, similarity or damped mean), as returned by rankings.</summary>
public readonly record struct ScoredItem(int Item, float Score);
