using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RecommenderService.Api.Persistence.Entities;

namespace RecommenderService.Api.Persistence.Configurations;

public sealed class ServingReplicaConfiguration : IEntityTypeConfiguration<ServingReplicaEntity>
{
    public void Configure(EntityTypeBuilder<ServingReplicaEntity> builder)
    {
        builder.ToTable("serving_replicas");
        builder.HasKey(r => r.ReplicaId);
        builder.Property(r => r.ReplicaId).HasMaxLength(200);
        builder.Property(r => r.Host).HasMaxLength(200);
        builder.Property(r => r.StartedAt).HasDefaultValueSql("now()");
        builder.Property(r => r.HeartbeatAt).HasDefaultValueSql("now()");
    }
}
