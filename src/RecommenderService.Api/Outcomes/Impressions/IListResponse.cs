using RecommenderService.Api.Infrastructure;

namespace RecommenderService.Api.Outcomes.Impressions;

/// <summary>
/// A list response (recommendations, popular items, similar items): it carries a <c>recommendationId</c> and the
/// impression that records it, which <see cref="ImpressionRecording"/> queues once the list has been sent.
/// </summary>
public interface IListResponse : IFreshIdResponse
{
    /// <summary>What to record; never serialised.</summary>
    Impression? Impression { get; }
}
