namespace RecommenderService.Engine;

/// <summary>A train/test partition of one <see cref="RatingSet"/>; both parts share its id maps.</summary>
public sealed record DataSplit(RatingSet Train, RatingSet Test);
