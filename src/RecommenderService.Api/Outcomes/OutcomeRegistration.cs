using RecommenderService.Api.Observability;
using RecommenderService.Api.Outcomes.Events;
using RecommenderService.Api.Outcomes.Figures;
using RecommenderService.Api.Outcomes.Impressions;

namespace RecommenderService.Api.Outcomes;

/// <summary>Impressions, outcome events and online figures: their settings, services and routes.</summary>
public static class OutcomeRegistration
{
    public static void AddOutcomes(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<OutcomeOptions>().BindConfiguration(OutcomeOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EventOptions>().BindConfiguration(EventOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddServiceMetrics<OutcomeMetrics>();
        services.AddSingleton<ImpressionQueue>();
        services.AddSingleton<ImpressionStamp>();
        services.AddSingleton<ImpressionLedger>();
        services.AddSingleton<ErasedListFilter>();
        services.AddHostedService<ImpressionWriter>();
        // After the writer, so it stops first: the writer's final ledger write comes last.
        services.AddHostedService<ImpressionLedgerKeeper>();
        services.AddHostedService<OutcomeRetention>();
        services.AddSingleton<EventWriter>();
        services.AddSingleton<OnlineFigureQuery>();
        services.AddServiceMetrics<OnlineMetrics>();
        services.AddSingleton<OnlineFiguresCache>();
        services.AddSingleton<IOnlineGauges>(sp => sp.GetRequiredService<OnlineFiguresCache>());
        services.AddHostedService<OnlineFiguresRefresher>();
    }

    public static IEndpointRouteBuilder MapOutcomeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapEventEndpoints();
        return app;
    }
}
