using RecommenderService.Api.Observability;
using RecommenderService.Api.Outcomes.Figures;

namespace RecommenderService.Api.Model.Experiments;

/// <summary>Experiments between two model versions: their services and routes.</summary>
public static class ExperimentRegistration
{
    public static void AddExperiments(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddServiceMetrics<ExperimentMetrics>();
        services.AddSingleton<ExperimentState>();
        services.AddSingleton<ExperimentRouting>();
        services.AddSingleton<ExperimentStore>();
        services.AddSingleton<ExperimentFigureReader>();
        services.AddSingleton<IOnlineGauges>(sp => sp.GetRequiredService<ExperimentFigureReader>());
        services.AddSingleton<ExperimentLifecycle>();
        services.AddSingleton<ExperimentRefresher>();
        services.AddHostedService(sp => sp.GetRequiredService<ExperimentRefresher>());
    }
}
