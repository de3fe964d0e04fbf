namespace RecommenderService.Api.Outcomes.Figures;

/// <summary>Gauges computed from the online figures, which <see cref="OnlineFiguresRefresher"/> keeps current on its timer.</summary>
public interface IOnlineGauges
{
    Task RefreshGaugesAsync(CancellationToken cancellationToken);
}
