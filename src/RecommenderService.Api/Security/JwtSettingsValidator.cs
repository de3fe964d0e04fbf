using System.Text;
using Microsoft.Extensions.Options;

namespace RecommenderService.Api.Security;

/// <summary>
/// Refuses to start with token settings that would accept the wrong tokens or none: a short HMAC secret is
/// guessable offline from one token, and a service with both a secret and an authority would trust two issuers.
/// </summary>
public sealed class JwtSettingsValidator : IValidateOptions<JwtSettings>
{
    /// <summary>HS256 needs a key at least as long as its 256-bit output (RFC 7518, section 3.2).</summary>
    public const int MinimumSigningKeyBytes = 32;

    public ValidateOptionsResult Validate(string? name, JwtSettings settings)
    {
        if (!settings.Enabled) return ValidateOptionsResult.Success;

        var failures = new List<string>();
        var hasKey = !string.IsNullOrWhiteSpace(settings.SigningKey);
        var hasAuthority = !string.IsNullOrWhiteSpace(settings.Authority);
        if (string.IsNullOrWhiteSpace(settings.Issuer))
            failures.Add("Auth:Jwt:Issuer is required when user tokens are configured (the iss every token must carry).");
        if (string.IsNullOrWhiteSpace(settings.Audience))
            failures.Add("Auth:Jwt:Audience is required when user tokens are configured (the aud every token must carry).");
        if (hasKey == hasAuthority)
            failures.Add("Set exactly one of Auth:Jwt:SigningKey (HS256 shared secret) and Auth:Jwt:Authority (OpenID Connect discovery).");
        if (hasKey && Encoding.UTF8.GetByteCount(settings.SigningKey!) < MinimumSigningKeyBytes)
            failures.Add($"Auth:Jwt:SigningKey must be at least {MinimumSigningKeyBytes} bytes (UTF-8) for HS256.");
        if (hasAuthority && (!Uri.TryCreate(settings.Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http")))
            failures.Add("Auth:Jwt:Authority must be an absolute https URL (http only for a loopback test issuer).");

        if (settings.MaxLifetimeMinutes is < 1 or > 525_600)
            failures.Add("Auth:Jwt:MaxLifetimeMinutes must be between 1 and 525600 (a year).");
        if (settings.ValidTypes.Any(string.IsNullOrWhiteSpace))
            failures.Add("Auth:Jwt:ValidTypes may not hold an empty type.");
        if (string.IsNullOrWhiteSpace(settings.AdminClaimType) != string.IsNullOrWhiteSpace(settings.AdminClaimValue))
            failures.Add("Set both Auth:Jwt:AdminClaimType and Auth:Jwt:AdminClaimValue (the claim that makes a token an admin), or neither.");
        if (settings.AdminClaimType == JwtDefaults.SubjectClaim)
            failures.Add("Auth:Jwt:AdminClaimType may not be sub: a user's own id cannot make them an admin.");

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
