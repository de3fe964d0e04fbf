using Microsoft.Extensions.Options;

namespace RecommenderService.Api.Security;

/// <summary>
/// CORS for the origins in <c>Cors:AllowedOrigins</c>. It runs before authentication, so a preflight (which
/// a browser sends without credentials) is answered without a key, and 401/403/429 answers still carry the
/// CORS headers a page needs to read them.
/// </summary>
public static class BrowserCors
{
    public const string PolicyName = "browser";

    /// <summary>What a page may send: the credentials, JSON bodies, revalidation and its own request id.</summary>
    public static readonly string[] AllowedHeaders = ["X-Api-Key", "Authorization", "Content-Type", "If-None-Match", "X-Request-Id"];

    /// <summary>What a page may read beyond the safelisted headers (RateLimit-* spelt out: no wildcards in the header).</summary>
    public static readonly string[] ExposedHeaders =
        ["ETag", "X-Request-Id", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After", "Location"];

    /// <summary>Browsers cache a preflight this long, so an infinite scroll does not pay one per page.</summary>
    private static readonly TimeSpan PreflightMaxAge = TimeSpan.FromMinutes(10);

    public static WebApplicationBuilder AddBrowserCors(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<CorsSettings>().BindConfiguration(CorsSettings.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<CorsSettings>, CorsSettingsValidator>();
        builder.Services.AddCors();
        builder.Services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>()
            .Configure<IOptions<CorsSettings>>((cors, settings) => cors.AddPolicy(PolicyName, policy => policy
                .WithOrigins(settings.Value.NormalizedOrigins)
                .WithMethods("GET", "PUT", "POST", "DELETE")
                .WithHeaders(AllowedHeaders)
                .WithExposedHeaders(ExposedHeaders)
                .SetPreflightMaxAge(PreflightMaxAge)));
        return builder;
    }

    public static WebApplication UseBrowserCors(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<CorsSettings>>().Value.NormalizedOrigins.Length > 0)
            app.UseCors(PolicyName);
        return app;
    }
}
