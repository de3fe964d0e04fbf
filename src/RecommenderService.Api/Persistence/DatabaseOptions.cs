using System.ComponentModel.DataAnnotations;

namespace RecommenderService.Api.Persistence;

/// <summary>Start-up behaviour towards PostgreSQL (section <c>Database</c>); the connection string itself is
/// <c>ConnectionStrings:Recommender</c>.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary>How long start-up waits for the database (a container's database may come up after the service).</summary>
    [Range(0, 3600)]
    public int StartupTimeoutSeconds { get; set; } = 60;

    /// <summary>Apply pending migrations at start-up (under an advisory lock, so replicas never race).</summary>
    public bool MigrateOnStartup { get; set; } = true;
}
