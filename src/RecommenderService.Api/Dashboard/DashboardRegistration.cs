using RecommenderService.Api.Dashboard.Outcomes;
using RecommenderService.Api.Security;

namespace RecommenderService.Api.Dashboard;

/// <summary>
/// The dashboard (<c>/dashboard</c>): Razor Pages rendered on the server, in the API host, behind its own sign-in.
/// Every page needs an admin; every POST needs the antiforgery token its form carries (Razor Pages check it).
/// </summary>
public static class DashboardRegistration
{
    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddRazorPages(options =>
        {
            options.RootDirectory = "/Dashboard/Pages";
            options.Conventions.AuthorizeFolder("/", DashboardDefaults.Policy);
            options.Conventions.AllowAnonymousToPage("/SignIn");
        });
        services.AddSingleton<DashboardSignIn>();
        services.AddSingleton<SignInAttempts>();
        services.AddSingleton<RecentUsers>();
        services.AddSingleton<ItemRatingHistogram>();
        services.AddSingleton<IOutcomeReport, OnlineOutcomeReport>();

        services.AddAuthentication()
            .AddCookie(DashboardDefaults.CookieScheme, DashboardCookie.Configure)
            .AddPolicyScheme(DashboardDefaults.Scheme, "Dashboard session, API key or token", options =>
                options.ForwardDefaultSelector = context =>
                    BringsApiCredentials(context.Request) || context.RequestServices.GetRequiredService<ApiKeyStore>().Disabled
                        ? JwtDefaults.SelectorScheme
                        : DashboardDefaults.CookieScheme);
        services.AddAuthorizationBuilder().AddPolicy(DashboardDefaults.Policy, policy => policy
            .AddAuthenticationSchemes(DashboardDefaults.Scheme)
            .RequireRole(ApiKeyDefaults.AdminRole));
        return builder;
    }

    /// <summary>Security headers on every dashboard response; before anything can answer.</summary>
    public static WebApplication UseDashboardHeaders(this WebApplication app)
    {
        app.UseMiddleware<DashboardHeaders>();
        return app;
    }

    public static WebApplication MapDashboard(this WebApplication app)
    {
        // The sign-in page needs its styles before anyone has signed in.
        app.MapGet(DashboardAssets.StylePath, DashboardAssets.ServeStyle).AllowAnonymous().ExcludeFromDescription();
        app.MapRazorPages();
        return app;
    }

    /// <summary>An API key or a bearer token: judged by the API's schemes, so a client key or a user token gets their 403.</summary>
    private static bool BringsApiCredentials(HttpRequest request) =>
        !string.IsNullOrEmpty(request.Headers[ApiKeyDefaults.HeaderName].ToString())
        || request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
}
