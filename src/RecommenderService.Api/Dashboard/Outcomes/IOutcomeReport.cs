namespace RecommenderService.Api.Dashboard.Outcomes;

/// <summary>
/// The online figures the outcomes page shows: what users did with their lists, per model version and experiment
/// arm (<see cref="OnlineOutcomeReport"/>).
/// </summary>
public interface IOutcomeReport
{
    /// <summary>Every figure recorded, in the order the page should show them; empty when nothing is recorded.</summary>
    Task<IReadOnlyList<OutcomeFigure>> ReadAsync(CancellationToken cancellationToken);
}
