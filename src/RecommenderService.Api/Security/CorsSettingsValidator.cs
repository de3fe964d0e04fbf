using Microsoft.Extensions.Options;

namespace RecommenderService.Api.Security;

/// <summary>
/// An origin with a path or a typo never matches what a browser sends, so CORS would silently stay off for
/// it; start-up says so instead. No wildcard: listing the frontends is the point.
/// </summary>
public sealed class CorsSettingsValidator : IValidateOptions<CorsSettings>
{
    public ValidateOptionsResult Validate(string? name, CorsSettings settings)
    {
        var bad = settings.NormalizedOrigins.Where(origin => !IsOrigin(origin)).ToList();
        return bad.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Cors:AllowedOrigins entries must be origins like https://shop.example.com " +
                                         $"(http or https, host, optional port, no path): {string.Join(", ", bad)}");
    }

    private static bool IsOrigin(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && uri.Scheme is "http" or "https"
        && uri.AbsolutePath == "/" && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment)
        && string.IsNullOrEmpty(uri.UserInfo)
        && !origin.EndsWith('/') && origin.Count(c => c == '/') == 2;
}
