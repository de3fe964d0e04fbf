namespace RecommenderService.Api.Dashboard.Outcomes;

/// <summary>The report while the service records no outcomes: always empty, so the page says so.</summary>
public sealed class NoOutcomesRecorded : IOutcomeReport
{
    public Task<IReadOnlyList<OutcomeFigure>> ReadAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<OutcomeFigure>>([]);
}
