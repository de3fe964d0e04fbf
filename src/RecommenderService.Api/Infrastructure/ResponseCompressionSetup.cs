using Microsoft.AspNetCore.ResponseCompression;

namespace RecommenderService.Api.Infrastructure;

/// <summary>Brotli and gzip for JSON bodies above <see cref="CompressionThreshold.Bytes"/>.</summary>
public static class ResponseCompressionSetup
{
    public static WebApplicationBuilder AddResponseCompressionAboveThreshold(this WebApplicationBuilder builder)
    {
        builder.Services.AddResponseCompression(options =>
        {
            // Responses never echo a secret next to attacker-chosen text, so BREACH has nothing to recover.
            options.EnableForHttps = true;
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
            options.MimeTypes = ["application/json", "application/problem+json", "text/csv", "text/plain"];
        });
        // Fastest: on a busy replica the CPU is better spent ranking; the ratio is still several-fold on JSON.
        builder.Services.Configure<BrotliCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Fastest);
        builder.Services.Configure<GzipCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Fastest);
        builder.Services.AddSingleton<IResponseCompressionProvider, CompressionThreshold>();
        return builder;
    }

    public static WebApplication UseResponseCompressionAboveThreshold(this WebApplication app)
    {
        app.UseResponseCompression();
        app.UseMiddleware<SmallResponseLength>();
        return app;
    }
}
