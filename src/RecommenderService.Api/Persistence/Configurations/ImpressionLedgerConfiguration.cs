using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RecommenderService.Api.Persistence.Entities;

namespace RecommenderService.Api.Persistence.Configurations;

public sealed class ImpressionLedgerConfiguration : IEntityTypeConfiguration<ImpressionLedgerEntity>
{
    public void Configure(EntityTypeBuilder<ImpressionLedgerEntity> builder)
    {
        builder.ToTable("impression_ledgers");
        builder.HasKey(l => l.ReplicaId);
        builder.Property(l => l.ReplicaId).HasMaxLength(200);
        builder.Property(l => l.StartedAt).HasDefaultValueSql("now()");
        builder.Property(l => l.UpdatedAt).HasDefaultValueSql("now()");
    }
}
