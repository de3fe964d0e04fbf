namespace RecommenderService.Engine;

/// <summary>One entry of a list mixed by <see cref="Exploration.Mix"/>: the item, its score, and whether it holds an exploration slot.</summary>
public readonly record struct ExploredItem(int Item, float Score, bool Exploration);
