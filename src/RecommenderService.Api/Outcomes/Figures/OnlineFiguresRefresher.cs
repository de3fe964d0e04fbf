using Microsoft.Extensions.Options;

using Npgsql;

namespace RecommenderService.Api.Outcomes.Figures;

/// <summary>Recomputes the online figures on a timer, so the gauges stay current without anyone reading the routes.</summary>
public sealed class OnlineFiguresRefresher(IEnumerable<IOnlineGauges> gauges, IOptions<OutcomeOptions> options,
    ILogger<OnlineFiguresRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(15, options.Value.FiguresCacheSeconds)));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    foreach (var source in gauges) await source.RefreshGaugesAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
                {
                    logger.LogWarning("Could not compute the online figures: {Error}", ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
