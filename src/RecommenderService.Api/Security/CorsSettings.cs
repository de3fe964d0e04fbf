namespace RecommenderService.Api.Security;

/// <summary>
/// Browser access from other origins (section <c>Cors</c>). Empty, the default, means no CORS: only
/// servers and same-origin pages can call the service.
/// </summary>
public sealed class CorsSettings
{
    public const string SectionName = "Cors";

    /// <summary>Origins such as <c>https://shop.example.com</c> (scheme, host and port; no path).</summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>The origins as browsers send them: blank entries dropped, no trailing slash.</summary>
    public string[] NormalizedOrigins => AllowedOrigins.Where(o => !string.IsNullOrWhiteSpace(o))
        .Select(o => o.Trim().TrimEnd('/')).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
}
