using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RecommenderService.Api.Persistence.Entities;

namespace RecommenderService.Api.Persistence.Configurations;

public sealed class ExperimentConfiguration : IEntityTypeConfiguration<ExperimentEntity>
{
    public void Configure(EntityTypeBuilder<ExperimentEntity> builder)
    {
        builder.ToTable("experiments");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).UseIdentityAlwaysColumn();
        builder.Property(e => e.Status).HasMaxLength(16);
        builder.Property(e => e.EndReason).HasMaxLength(500);
        builder.Property(e => e.StartedAt).HasDefaultValueSql("now()");
        // At most one running experiment, enforced by the database rather than by care.
        builder.HasIndex(e => e.Status).IsUnique().HasFilter("status = 'running'").HasDatabaseName("ix_experiments_single_running");
    }
}
