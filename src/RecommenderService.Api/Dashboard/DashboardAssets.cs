using System.Security.Cryptography;

namespace RecommenderService.Api.Dashboard;

/// <summary>
/// The dashboard's style sheet, built into the assembly (no CDN, nothing to install beside the service). Its URL
/// carries a digest of its content, so a browser may keep it for a year and still gets the new one after an upgrade.
/// </summary>
public static class DashboardAssets
{
    public const string Path = DashboardDefaults.Path + "/assets";
    public const string StylePath = Path + "/dashboard.css";

    private static readonly byte[] Style = Read("dashboard.css");

    /// <summary>The style sheet's address, with its content's digest.</summary>
    public static string StyleUrl { get; } = StylePath + "?v=" + Convert.ToHexStringLower(SHA256.HashData(Style), 0, 6);

    public static IResult ServeStyle(HttpContext context)
    {
        context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        return Results.Bytes(Style, "text/css; charset=utf-8");
    }

    private static byte[] Read(string name)
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var resource = assembly.GetManifestResourceNames().Single(n => n.EndsWith(".Dashboard.Assets." + name, StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
