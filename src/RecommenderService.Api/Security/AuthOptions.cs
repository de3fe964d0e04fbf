namespace RecommenderService.Api.Security;

/// <summary>API keys per role (section <c>Auth</c>). See API.md, "Authentication".</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>Turns authentication off entirely (every caller is admin). Only for local experiments.</summary>
    public bool Disabled { get; set; }

    /// <summary>Keys that may read and write ratings and items and read recommendations.</summary>
    public string[] ClientKeys { get; set; } = [];

    /// <summary>Keys that may do everything, including model writes, imports and user deletion.</summary>
    public string[] AdminKeys { get; set; } = [];

    /// <summary>Client keys with blank entries dropped (an empty environment variable is no key).</summary>
    public IEnumerable<string> EffectiveClientKeys => ClientKeys.Where(k => !string.IsNullOrWhiteSpace(k));

    /// <summary>Admin keys with blank entries dropped.</summary>
    public IEnumerable<string> EffectiveAdminKeys => AdminKeys.Where(k => !string.IsNullOrWhiteSpace(k));
}
