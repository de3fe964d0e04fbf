namespace RecommenderService.Api.Infrastructure;

/// <summary>
/// A response that carries an id new on every answer (a list's <c>recommendationId</c>): its ETag is computed without
/// it, so an unchanged list still answers 304 (<see cref="ConditionalGet"/>).
/// </summary>
public interface IFreshIdResponse
{
    /// <summary>The id the client cites in events and ratings.</summary>
    string RecommendationId { get; }
}
