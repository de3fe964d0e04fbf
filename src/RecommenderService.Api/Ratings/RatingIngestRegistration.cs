using RecommenderService.Api.Observability;
using RecommenderService.Api.Ratings.Import;

namespace RecommenderService.Api.Ratings;

/// <summary>Services and options of rating ingest, registered from <see cref="Extensions"/>.</summary>
public static class RatingIngestRegistration
{
    public static WebApplicationBuilder AddRatingIngest(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<IngestOptions>().BindConfiguration(IngestOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(options => options.MaxBatchBytes >= IngestOptions.LegalBatchBytes,
                $"Ingest:MaxBatchBytes must be at least {IngestOptions.LegalBatchBytes} bytes, or some legal 10,000-row batches would be refused.")
            .ValidateOnStart();
        builder.Services.AddServiceMetrics<IngestMetrics>();
        builder.Services.AddSingleton<RatingWriter>();
        builder.Services.AddSingleton<RatingImporter>();
        builder.Services.AddSingleton<UserRatingList>();
        return builder;
    }
}
