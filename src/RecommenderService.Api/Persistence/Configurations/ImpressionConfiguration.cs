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
        // Rows arrive in time order, so a BRIN index (a few pages, next to nothing per row) serves the figures' window,
        // an experiment's run and the retention delete; a B-tree per time or experiment cost the database more per
        // impression than the row itself. Erasure deletes by user, the one B-tree kept besides the key.
        builder.HasIndex(i => i.ServedAt).HasMethod("brin");
        builder.HasIndex(i => i.UserId);
    }
}
