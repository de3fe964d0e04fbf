using RecommenderService.Api.Outcomes.Impressions;
namespace RecommenderService.Api.Infrastructure;

/// <summary>
/// A list response (recommendations, popular items, similar items): it carries a <c>recommendationId</c> and the
/// impression that records it, which <see cref="ImpressionRecording"/> queues once the list has been sent.
/// </summary>
public interface IListResponse
{
    /// <summary>The id the client cites in events and ratings.</summary>
    string RecommendationId { get; }

    /// <summary>What to record; never serialised.</summary>
    Impression? Impression { get; }
}
