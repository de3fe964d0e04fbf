using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

using RecommenderService.Api.Persistence.Entities;
using RecommenderService.Api.Validation;

namespace RecommenderService.Api.Persistence.Configurations;

public sealed class ImpressionConfiguration : IEntityTypeConfiguration<ImpressionEntity>
{
    public void Configure(EntityTypeBuilder<ImpressionEntity> builder)
    {
        builder.ToTable("impressions");
        // The id is a version-7 UUID: time-ordered, so appends stay at the right edge of the key's index.
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Id).ValueGeneratedNever();
        builder.Property(i => i.UserId).HasMaxLength(ExternalIdLimits.MaxLength);
        builder.Property(i => i.List).HasMaxLength(16);
        builder.Property(i => i.Strategy).HasMaxLength(16);
        builder.Property(i => i.Source).HasMaxLength(16);
        builder.Property(i => i.Arm).HasMaxLength(16);
        // The figures' window and the retention delete read by time; erasure by user; an experiment's figures by experiment.
        builder.HasIndex(i => i.ServedAt);
        builder.HasIndex(i => i.UserId);
        builder.HasIndex(i => i.ExperimentId).HasFilter("experiment_id IS NOT NULL");
    }
}
