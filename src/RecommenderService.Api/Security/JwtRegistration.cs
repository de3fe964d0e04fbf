using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Microsoft.OpenApi;

namespace RecommenderService.Api.Security;

/// <summary>
/// End-user tokens beside the API keys: a selector scheme sends <c>Authorization: Bearer</c> to the JWT
/// handler and everything else to the key handler, and the <see cref="JwtDefaults.EndUserPolicy"/> keeps a
/// token to its own user. Added on top of the key set-up, which it leaves as it is.
/// </summary>
public static class JwtRegistration
{
    /// <summary>Tolerance for clocks that disagree; short, because a token's lifetime is the point.</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    public static WebApplicationBuilder AddUserTokens(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<JwtSettings>().BindConfiguration(JwtSettings.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<JwtSettings>, JwtSettingsValidator>();
        services.AddSingleton<IAuthorizationHandler, OwnUserHandler>();
        services.AddAuthorizationBuilder().AddPolicy(JwtDefaults.EndUserPolicy, policy => policy
            .RequireAuthenticatedUser()
            .AddRequirements(new OwnUserRequirement()));

        // In the document whether or not this deployment has tokens configured: it is part of the contract.
        // (OpenApi.SecurityRequirements offers every defined scheme on every protected route.)
        services.ConfigureSwaggerGen(swagger => swagger.AddSecurityDefinition(JwtDefaults.Scheme, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "An end-user token (sub = the user's id): only that user's ratings, recommendations and " +
                          "predictions, plus catalogue reads. Other users, admin, model and catalogue-write routes answer 403.",
        }));

        var settings = builder.Configuration.GetSection(JwtSettings.SectionName).Get<JwtSettings>() ?? new JwtSettings();
        var enabled = settings.Enabled;
        var authentication = services.AddAuthentication();
        authentication.AddPolicyScheme(JwtDefaults.SelectorScheme, "API key or user token", options =>
            options.ForwardDefaultSelector = context =>
                enabled && context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? JwtDefaults.Scheme
                    : ApiKeyDefaults.Scheme);
        services.Configure<AuthenticationOptions>(options =>
        {
            options.DefaultScheme = JwtDefaults.SelectorScheme;
            options.DefaultAuthenticateScheme = JwtDefaults.SelectorScheme;
            options.DefaultChallengeScheme = JwtDefaults.SelectorScheme;
            options.DefaultForbidScheme = JwtDefaults.SelectorScheme;
        });
        if (!enabled) return builder;

        authentication.AddJwtBearer(JwtDefaults.Scheme, _ => { });
        // Configured from the validated settings, so a bad value fails start-up with its own message.
        services.AddOptions<JwtBearerOptions>(JwtDefaults.Scheme).Configure<IOptions<JwtSettings>>((options, jwt) => Configure(options, jwt.Value));
        return builder;
    }

    private static void Configure(JwtBearerOptions options, JwtSettings settings)
    {
        options.MapInboundClaims = false; // keep "sub" as "sub"
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidIssuer = settings.Issuer,
            ValidateAudience = true,
            ValidAudience = settings.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = ClockSkew,
            // null accepts any typ; a configured list is checked by the handler.
            ValidTypes = settings.ValidTypes.Length == 0 ? null : settings.ValidTypes,
        };
        if (!string.IsNullOrWhiteSpace(settings.SigningKey))
        {
            options.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(settings.SigningKey));
            options.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
        }
        else
        {
            options.Authority = settings.Authority;
            options.Audience = settings.Audience;
            // Discovery over plain http only for a loopback issuer (a local test identity provider).
            options.RequireHttpsMetadata = !(Uri.TryCreate(settings.Authority, UriKind.Absolute, out var authority) && authority.IsLoopback);
        }
        options.Events = new JwtBearerEvents
        {
            OnTokenValidated = context => TokenValidated(context, settings),
            OnChallenge = Challenge,
            OnForbidden = Forbidden,
        };
    }

    /// <summary>
    /// Every valid token is a user, named by its <c>sub</c> (for logs and the rate limiter) so it cannot be mistaken
    /// for a key. Roles come only from the service: the token's claims are kept under their own types, and a role
    /// or name claim it carries counts for nothing; only the configured admin claim adds a role.
    /// </summary>
    private static Task TokenValidated(TokenValidatedContext context, JwtSettings settings)
    {
        var token = context.Principal!;
        var subject = token.FindFirst(JwtDefaults.SubjectClaim)?.Value;
        if (string.IsNullOrEmpty(subject))
        {
            context.Fail("The token has no sub claim naming the user.");
            return Task.CompletedTask;
        }
        if (context.SecurityToken is JsonWebToken jwt && HeaderProblem(jwt, settings) is { } problem)
        {
            context.Fail(problem);
            return Task.CompletedTask;
        }
        var claims = token.Claims
            .Where(c => c.Type is not (JwtDefaults.RoleClaimType or JwtDefaults.NameClaimType))
            .Select(c => new Claim(c.Type, c.Value, c.ValueType, c.Issuer))
            .ToList();
        claims.Add(new Claim(JwtDefaults.NameClaimType, "user:" + subject));
        claims.Add(new Claim(JwtDefaults.RoleClaimType, JwtDefaults.UserRole));
        if (!string.IsNullOrEmpty(settings.AdminClaimType) && token.HasClaim(settings.AdminClaimType, settings.AdminClaimValue!))
        {
            claims.Add(new Claim(JwtDefaults.RoleClaimType, ApiKeyDefaults.AdminRole));
            claims.Add(new Claim(JwtDefaults.RoleClaimType, ApiKeyDefaults.ClientRole));
        }
        context.Principal = new ClaimsPrincipal(new ClaimsIdentity(claims, JwtDefaults.Scheme, JwtDefaults.NameClaimType, JwtDefaults.RoleClaimType));
        return Task.CompletedTask;
    }

    /// <summary>
    /// What the handler does not check: a critical header this service does not understand (RFC 7515, section
    /// 4.1.11: the token must then be refused), and a lifetime longer than the configured maximum.
    /// </summary>
    private static string? HeaderProblem(JsonWebToken token, JwtSettings settings)
    {
        if (token.TryGetHeaderValue<object>("crit", out _))
            return "The token has critical header parameters (crit) this service does not understand.";
        var start = token.ValidFrom != DateTime.MinValue ? token.ValidFrom
            : token.IssuedAt != DateTime.MinValue ? token.IssuedAt
            : DateTime.UtcNow;
        return token.ValidTo - start > TimeSpan.FromMinutes(settings.MaxLifetimeMinutes)
            ? $"The token lives longer than the {settings.MaxLifetimeMinutes} minutes this service accepts."
            : null;
    }

    private static async Task Challenge(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var detail = context.AuthenticateFailure switch
        {
            SecurityTokenExpiredException => "The bearer token has expired; get a fresh one from the identity provider.",
            SecurityTokenNotYetValidException => "The bearer token is not valid yet (nbf is in the future).",
            SecurityTokenInvalidAudienceException => "The bearer token was issued for another audience.",
            SecurityTokenInvalidIssuerException => "The bearer token was issued by an issuer this service does not trust.",
            SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The bearer token's signature is not valid.",
            SecurityTokenInvalidTypeException => "The bearer token is not of a type this service accepts (typ).",
            AuthenticationFailureException own => "The bearer token is not valid: " + own.Message, // our own rules, above
            null => "This endpoint needs an API key (X-Api-Key) or a user token (Authorization: Bearer).",
            _ => "The bearer token is not valid.",
        };
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.Append("WWW-Authenticate", context.AuthenticateFailure is null ? "Bearer" : "Bearer error=\"invalid_token\"");
        await WriteProblemAsync(context.HttpContext, StatusCodes.Status401Unauthorized, "Unauthorized", detail);
    }

    private static Task Forbidden(ForbiddenContext context) =>
        WriteProblemAsync(context.HttpContext, StatusCodes.Status403Forbidden, "Forbidden",
            "A user token may only read and write its own user's ratings, read its own recommendations and predictions, " +
            "and read items; other users, admin, model and catalogue-write routes need an API key.");

    private static async Task WriteProblemAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
