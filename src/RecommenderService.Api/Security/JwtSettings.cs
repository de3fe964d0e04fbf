namespace RecommenderService.Api.Security;

/// <summary>
/// End-user tokens (section <c>Auth:Jwt</c>): JWTs from the product's identity provider whose <c>sub</c>
/// is the user's external id. Off while neither a signing key nor an authority is set.
/// </summary>
public sealed class JwtSettings
{
    public const string SectionName = "Auth:Jwt";

    /// <summary>The <c>iss</c> every token must carry.</summary>
    public string? Issuer { get; set; }

    /// <summary>The <c>aud</c> every token must carry: this service's name at the identity provider.</summary>
    public string? Audience { get; set; }

    /// <summary>HS256 shared secret (UTF-8, at least 32 bytes); or leave empty and set <see cref="Authority"/>.</summary>
    public string? SigningKey { get; set; }

    /// <summary>OpenID Connect authority whose discovery document and keys (JWKS) verify the tokens.</summary>
    public string? Authority { get; set; }

    /// <summary>
    /// A claim type that, with <see cref="AdminClaimValue"/>, makes a token an admin (e.g. an operator group the
    /// identity provider asserts). Unset: no token is ever an admin, whatever role claims it carries.
    /// </summary>
    public string? AdminClaimType { get; set; }

    /// <summary>The value <see cref="AdminClaimType"/> must have, exactly.</summary>
    public string? AdminClaimValue { get; set; }

    /// <summary>
    /// The longest lifetime a token may have (exp minus nbf, or iat, or now), in minutes: a token minted to last
    /// for months is refused even while it has not expired. Default a day.
    /// </summary>
    public int MaxLifetimeMinutes { get; set; } = 1440;

    /// <summary>
    /// The <c>typ</c> header values accepted (e.g. <c>at+jwt</c>, RFC 9068), so an ID token or another kind of JWT
    /// from the same issuer is not taken for an access token; empty: any type.
    /// </summary>
    public string[] ValidTypes { get; set; } = [];

    /// <summary>True when tokens are to be accepted at all.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(SigningKey) || !string.IsNullOrWhiteSpace(Authority)
                           || !string.IsNullOrWhiteSpace(Issuer) || !string.IsNullOrWhiteSpace(Audience);
}
