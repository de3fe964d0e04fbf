using Microsoft.Extensions.Options;
using Npgsql;
using RecommenderService.Api.Outcomes.Experiments;

namespace RecommenderService.Api.Outcomes.Figures;

/// <summary>Recomputes the online figures on a timer, so the gauges stay current without anyone reading the routes.</summary>
public sealed class OnlineFiguresRefresher(OnlineFiguresCache figures, ExperimentFigureReader experiments, IOptions<OutcomeOptions> options,
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
                    await figures.ByVersionAsync(stoppingToken);
                    await experiments.RefreshGaugesAsync(stoppingToken);
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
