using Microsoft.Extensions.Options;

namespace RecommenderService.Api.Privacy;

/// <summary>Registers the keyed id hashes and their settings.</summary>
public static class PrivacyRegistration
{
    public static WebApplicationBuilder AddPrivacy(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<PrivacyOptions>().BindConfiguration(PrivacyOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<PrivacyOptions>, PrivacyOptionsValidator>();
        builder.Services.AddSingleton<KeyedIds>();
        return builder;
    }
}
