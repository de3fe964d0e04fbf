namespace RecommenderService.Api.Model.Training;

/// <summary>What a training reads: every rating (one snapshot), the catalogue's attributes and the users' profiles, as tokens.</summary>
public sealed record TrainingData(
    RatingSnapshot Snapshot,
    Dictionary<string, string[]> ItemAttributes,
    Dictionary<string, string[]> UserAttributes);
