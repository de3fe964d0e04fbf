namespace RecommenderService.Api.Security;

/// <summary>Names shared by the API-key scheme, its roles and the authorization policies.</summary>
public static class ApiKeyDefaults
{
    public const string Scheme = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    /// <summary>The Hangfire dashboard: the one place HTTP Basic credentials (admin key as password) are accepted.</summary>
    public const string DashboardPath = "/hangfire";

    public const string ClientRole = "client";
    public const string AdminRole = "admin";

    /// <summary>Reads and writes ratings and items, reads recommendations: client or admin keys.</summary>
    public const string ClientPolicy = "client";

    /// <summary>Model writes, imports, user deletion, the Hangfire dashboard: admin keys only.</summary>
    public const string AdminPolicy = "admin";
}
