namespace RecommenderService.Api.Outcomes.Impressions;

/// <summary>A list as it was served, waiting to be written (<see cref="ImpressionQueue"/>).</summary>
/// <param name="Id">The response's <c>recommendationId</c>.</param>
/// <param name="UserId">The user it was for; null for popular and similar items.</param>
/// <param name="List">Which route served it: <c>recommendations</c>, <c>popular</c> or <c>similar</c>.</param>
/// <param name="Strategy">How it was made (the response's <c>strategy</c>, or <c>similar</c>).</param>
/// <param name="Source">What ordered it (a source the lists name, e.g. <c>ranking_head</c>).</param>
/// <param name="ModelVersion">The model version that served it, if any.</param>
/// <param name="ExperimentId">The experiment the user was in, if any.</param>
/// <param name="Arm"><c>control</c> or <c>treatment</c> when in an experiment.</param>
/// <param name="Items">The listed item ids, best first.</param>
/// <param name="ServedAt">When it was served.</param>
public sealed record Impression(Guid Id, string? UserId, string List, string Strategy, string Source, int? ModelVersion,
    long? ExperimentId, string? Arm, string[] Items, DateTimeOffset ServedAt);
