using RecommenderService.Api.Options;

namespace RecommenderService.Api.Ingest;

/// <summary>Services and options of rating ingest, registered from <see cref="Extensions"/>.</summary>
public static class RatingIngestRegistration
{
    public static WebApplicationBuilder AddRatingIngest(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<IngestOptions>().BindConfiguration(IngestOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<RatingWriter>();
        builder.Services.AddSingleton<RatingImporter>();
        builder.Services.AddSingleton<UserRatingList>();
        return builder;
    }
}
