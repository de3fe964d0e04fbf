namespace RecommenderService.Api.Infrastructure;

/// <summary>This replica's name (in <c>serving_replicas</c>, impression ledgers): unique per host, also for several hosts in one process (tests).</summary>
public sealed class ReplicaIdentity
{
    public string Id { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";

    public string Host { get; } = Environment.MachineName;
}
