using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RecommenderService.Api.Security;

namespace RecommenderService.Api.Health;

/// <summary>Writes health reports as small JSON documents an operator (or a probe) can read.</summary>
public static class HealthResponseWriter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    /// <summary>
    /// Anonymous callers (load balancers, probes, anyone) get the status only; the checks, with their data (model
    /// version, counts, migrations), need an API key.
    /// </summary>
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        if (!context.User.IsInRole(ApiKeyDefaults.ClientRole))
            return context.Response.WriteAsync(JsonSerializer.Serialize(new { status = report.Status.ToString() }, Json));
        var body = new
        {
            status = report.Status.ToString(),
            totalMilliseconds = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new
                {
                    status = e.Value.Status.ToString(),
                    description = e.Value.Description,
                    data = e.Value.Data.Count == 0 ? null : e.Value.Data,
                }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }
}
