namespace RecommenderService.Api.Persistence.Entities;

/// <summary>
/// One running replica: when it last said it was alive and which model versions it holds, so a rollout can wait
/// for every live replica to have loaded a version before switching to it. Owned by <c>ReplicaRegistry</c>.
/// </summary>
public sealed class ServingReplicaEntity
{
    public required string ReplicaId { get; set; }
    public required string Host { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset HeartbeatAt { get; set; }

    /// <summary>The version this replica serves (null: popularity only).</summary>
    public int? ServingVersion { get; set; }

    /// <summary>The version loaded ahead of its activation (or the one just replaced).</summary>
    public int? StandbyVersion { get; set; }
}
