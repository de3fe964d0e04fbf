namespace RecommenderService.Api.Outcomes.Impressions;

/// <summary>
/// A list as it was served, waiting to be written (<see cref="ImpressionQueue"/>). A struct, stored in the queue's own
/// array: an impression waits a batch's time (longer than the gap between young collections) before it is written, and
/// every object it brings into the queue is promoted and copied by the GC; as a struct, with its items inline
/// (<see cref="ListedItems"/>), it brings only its user id.
/// </summary>
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
public readonly record struct Impression(Guid Id, string? UserId, string List, string Strategy, string Source, int? ModelVersion,
    long? ExperimentId, string? Arm, ListedItems Items, DateTimeOffset ServedAt);
